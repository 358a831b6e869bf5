import type { Drainer } from "../delivery/drainer.ts";
import type { Logger } from "../log/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "./periodic-task.ts";

/**
 * Drains every local member now and then, so what no event announced still
 * flows: leases that ran out (an `ack` session that never acknowledged), a
 * drain that failed while Postgres was away.
 */
export function createDrainRepairSweeper(deps: { drainer: Drainer; log: Logger; intervalMs: number }): PeriodicTask {
  return createPeriodicTask({
    name: "drain-repair",
    intervalMs: deps.intervalMs,
    log: deps.log,
    run: async () => {
      deps.drainer.requestAll();
    },
  });
}
