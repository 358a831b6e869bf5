import type { Sql } from "@mesh/db";
import type { Logger } from "../log/logger.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { countUndelivered } from "../sql/count-undelivered.ts";
import { createPeriodicTask, type PeriodicTask } from "./periodic-task.ts";

/** Keeps `broker_queue_depth` at the number of undelivered envelopes. */
export function createQueueDepthSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  intervalMs: number;
}): PeriodicTask {
  return createPeriodicTask({
    name: "queue-depth",
    intervalMs: deps.intervalMs,
    log: deps.log,
    runOnStart: true,
    run: async () => {
      deps.metrics.queueDepthMeasured(await countUndelivered(deps.sql));
    },
  });
}
