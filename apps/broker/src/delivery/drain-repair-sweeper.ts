import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { StatusService } from "../status/status-service.ts";
import type { Drainer } from "./drainer.ts";

/**
 * Drains every local member now and then, so what no event announced still
 * flows: leases that ran out (an `ack` session that never acknowledged), a
 * drain that failed while Postgres was away, a wake-up from another
 * instance that was lost. First it re-reads the statuses other instances
 * changed since the last run (a hook that landed there), so a lost wake-up
 * holds nothing back for longer than one interval.
 */
export function createDrainRepairSweeper(deps: {
  drainer: Drainer;
  status: StatusService;
  log: Logger;
  intervalMs: number;
}): PeriodicTask {
  return createPeriodicTask({
    name: "drain-repair",
    intervalMs: deps.intervalMs,
    log: deps.log,
    run: async () => {
      try {
        await deps.status.refresh("recent");
      } finally {
        deps.drainer.requestAll();
      }
    },
  });
}
