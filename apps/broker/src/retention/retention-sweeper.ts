import type { Sql } from "@mesh/db";
import { deleteStoppedInstances } from "../instances/instance-registry.ts";
import { runBatchesUntilShort } from "../lib/batched-run.ts";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { type AgedTable, deleteAgedRows } from "./delete-aged-rows.ts";
import { deleteRetiredEnvelopes } from "./delete-retired-envelopes.ts";

/** Rows one delete statement removes, at most (per kind): short locks, a bounded WAL burst. */
const RETENTION_BATCH_ROWS = 1000;
/** Batches per table per run, at most: a large backlog is worked off over several runs. */
const MAX_BATCHES_PER_RUN = 10;

/**
 * Keeps the queue and the idempotency keys from growing without bound:
 * deletes envelopes that expired undelivered, envelopes delivered longer ago
 * than the retention period (`broker_envelopes_retired_total{reason}`), and
 * idempotency keys past their window, hellos past the replay window, and the registry rows of instances
 * stopped longer ago than the retention period. Several instances may sweep
 * at once: each skips the rows another holds.
 */
export function createRetentionSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  deliveredRetentionHours: number;
  intervalMs: number;
}): PeriodicTask {
  const retentionSeconds = deps.deliveredRetentionHours * 3600;
  return createPeriodicTask({
    name: "retention",
    intervalMs: deps.intervalMs,
    log: deps.log,
    run: async () => {
      let expired = 0;
      let delivered = 0;
      const envelopes = await runBatchesUntilShort(async () => {
        const batch = await deleteRetiredEnvelopes(deps.sql, { retentionSeconds, batchSize: RETENTION_BATCH_ROWS });
        deps.metrics.envelopesRetired("expired", batch.expired);
        deps.metrics.envelopesRetired("delivered", batch.delivered);
        expired += batch.expired;
        delivered += batch.delivered;
        return Math.max(batch.expired, batch.delivered) >= RETENTION_BATCH_ROWS;
      }, MAX_BATCHES_PER_RUN);
      const aged = async (table: AgedTable) => {
        let deleted = 0;
        const run = await runBatchesUntilShort(async () => {
          const batch = await deleteAgedRows(deps.sql, table, RETENTION_BATCH_ROWS);
          deleted += batch;
          return batch >= RETENTION_BATCH_ROWS;
        }, MAX_BATCHES_PER_RUN);
        return { deleted, backlogLeft: run.backlogLeft };
      };
      const idempotency = await aged("send_idempotency");
      const hellos = await aged("hello_seen");
      const instances = await deleteStoppedInstances(deps.sql, retentionSeconds);
      if (expired + delivered + idempotency.deleted + hellos.deleted + instances > 0) {
        deps.log.debug(
          {
            expired,
            delivered,
            idempotency_keys: idempotency.deleted,
            hellos_seen: hellos.deleted,
            stopped_instances: instances,
            backlog_left: envelopes.backlogLeft || idempotency.backlogLeft || hellos.backlogLeft,
          },
          "retention sweep deleted rows",
        );
      }
    },
  });
}
