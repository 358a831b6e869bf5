import type { Sql } from "@mesh/db";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { countUndelivered, membersOverShare } from "./count-undelivered.ts";
import type { QueueLedger } from "./queue-ledger.ts";

/**
 * Recounts the queue for the ledger (the mesh cap and the member shares)
 * and the queue gauges: `broker_queue_depth`, the members holding more
 * than half their share, the age of the oldest undelivered envelope.
 */
export function createQueueDepthSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  ledger: QueueLedger;
  undeliveredMaxAgeSeconds: number;
  intervalMs: number;
}): PeriodicTask {
  return createPeriodicTask({
    name: "queue-depth",
    intervalMs: deps.intervalMs,
    log: deps.log,
    runOnStart: true,
    run: async () => {
      const census = await countUndelivered(deps.sql, deps.undeliveredMaxAgeSeconds);
      deps.ledger.refresh(census);
      deps.metrics.queueMeasured({
        depth: census.total,
        membersOverShare: membersOverShare(census, deps.ledger.caps.memberRows / 2),
        oldestUndeliveredSeconds: census.oldestSeconds,
      });
    },
  });
}
