import type { Sql } from "@mesh/db";
import { isOldestLiveInstance } from "../instances/instance-registry.ts";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { countUndelivered, membersOverShare } from "./count-undelivered.ts";
import { oldestDeliverableSeconds } from "./oldest-deliverable.ts";
import type { QueueLedger } from "./queue-ledger.ts";

/**
 * Recounts the queue for the ledger (the mesh cap and the member shares)
 * and the queue gauges: the depth, the members holding more than half their
 * share, the age of the oldest undelivered envelope and of the oldest one a
 * live session could take. The `mesh_broker_queue_*` gauges are database-wide,
 * so only the oldest live instance reports them (the others report 0).
 */
export function createQueueDepthSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  ledger: QueueLedger;
  instanceId: string;
  /** `INSTANCE_TIMEOUT_MS` in seconds: an instance silent longer reports nothing. */
  instanceTimeoutSeconds: number;
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
      const reporting = await isOldestLiveInstance(deps.sql, deps.instanceId, deps.instanceTimeoutSeconds);
      deps.metrics.queueMeasured({
        reporting,
        oldestDeliverableSeconds: reporting ? await oldestDeliverableSeconds(deps.sql) : 0,
        depth: census.total,
        membersOverShare: membersOverShare(census, deps.ledger.caps.memberRows / 2),
        oldestUndeliveredSeconds: census.oldestSeconds,
      });
    },
  });
}
