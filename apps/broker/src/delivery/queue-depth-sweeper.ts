import type { Sql } from "@mesh/db";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { countUndeliveredByMesh } from "./count-undelivered.ts";
import type { MeshQueueDepth } from "./mesh-queue-depth.ts";

/** Refreshes each mesh's undelivered count (the queue cap) and `broker_queue_depth`. */
export function createQueueDepthSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  depth: MeshQueueDepth;
  intervalMs: number;
}): PeriodicTask {
  return createPeriodicTask({
    name: "queue-depth",
    intervalMs: deps.intervalMs,
    log: deps.log,
    runOnStart: true,
    run: async () => {
      deps.depth.refresh(await countUndeliveredByMesh(deps.sql));
      deps.metrics.queueDepthMeasured(deps.depth.total);
    },
  });
}
