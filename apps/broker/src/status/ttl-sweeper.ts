import type { Sql } from "@mesh/db";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { flipStuckWorking } from "./flip-stuck-working.ts";
import type { StatusService } from "./status-service.ts";

/**
 * Flips sessions stuck in `working` for longer than `STATUS_TTL_SECONDS` to
 * idle (source heartbeat), counting `mesh_broker_ttl_sweeps_total{flipped}`; the
 * flip releases what they held, here or (woken) on the instance holding them.
 */
export function createTtlSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  status: StatusService;
  ttlSeconds: number;
  intervalMs: number;
  instanceId: string;
}): PeriodicTask {
  return createPeriodicTask({
    name: "ttl",
    intervalMs: deps.intervalMs,
    log: deps.log,
    run: async () => {
      const flipped = await flipStuckWorking(deps.sql, deps.ttlSeconds, deps.instanceId);
      deps.metrics.ttlSwept(flipped.length > 0);
      for (const f of flipped)
        deps.status.changed(f.presenceId, {
          status: "idle",
          source: "heartbeat",
          updatedAt: f.statusUpdatedAt.getTime(),
        });
      if (flipped.length > 0) deps.log.info({ flipped: flipped.length }, "ttl sweep flipped sessions to idle");
    },
  });
}
