import type { Sql } from "@mesh/db";
import { deleteStoppedInstances } from "../instances/instance-registry.ts";
import { type BatchedRun, runBatchesUntilShort } from "../lib/batched-run.ts";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { deleteAgedPresences } from "./delete-aged-presences.ts";
import { type AgedTable, deleteAgedRows } from "./delete-aged-rows.ts";
import { deleteOverdueEnvelopes } from "./delete-overdue-envelopes.ts";
import { deleteRetiredEnvelopes } from "./delete-retired-envelopes.ts";
import { deleteUnreachableEnvelopes } from "./delete-unreachable-envelopes.ts";

/** Rows one delete statement removes, at most (per kind): short locks, a bounded WAL burst. */
const RETENTION_BATCH_ROWS = 1000;
/** Batches per table per run, at most: a large backlog is worked off over several runs. */
const MAX_BATCHES_PER_RUN = 10;

/** Runs bounded delete batches of one kind; returns how many rows they deleted in all. */
async function deleteInBatches(batch: () => Promise<number>): Promise<{ deleted: number } & BatchedRun> {
  let deleted = 0;
  const run = await runBatchesUntilShort(async () => {
    const n = await batch();
    deleted += n;
    return n >= RETENTION_BATCH_ROWS;
  }, MAX_BATCHES_PER_RUN);
  return { deleted, ...run };
}

/**
 * Keeps the queue and the bookkeeping tables from growing without bound:
 * deletes envelopes that expired undelivered (rows stored without an expiry
 * once past the max age too, when the last queue count saw some), envelopes
 * delivered longer ago than the retention period, undelivered envelopes for
 * revoked members or archived meshes (`mesh_broker_envelopes_retired_total{reason}`),
 * presences of sessions that ended longer ago than the presence retention,
 * envelope bodies no row can still be pushed with and whose idempotency
 * key is past its window, hellos and signed admin requests past
 * the replay window, and the registry rows of instances stopped longer ago
 * than the retention period. Several instances may sweep at once: each skips the rows another holds.
 */
export function createRetentionSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  deliveredRetentionHours: number;
  undeliveredMaxAgeSeconds: number;
  presenceRetentionHours: number;
  /** Rows without an expiry past the max age at the last queue count (none: their statement is not run). */
  overdueWithoutExpiry: () => number;
  intervalMs: number;
}): PeriodicTask {
  const retentionSeconds = deps.deliveredRetentionHours * 3600;
  const batchSize = RETENTION_BATCH_ROWS;
  return createPeriodicTask({
    name: "retention",
    intervalMs: deps.intervalMs,
    log: deps.log,
    run: async () => {
      let expired = 0;
      let delivered = 0;
      const envelopes = await runBatchesUntilShort(async () => {
        const batch = await deleteRetiredEnvelopes(deps.sql, { retentionSeconds, batchSize });
        deps.metrics.envelopesRetired("expired", batch.expired);
        deps.metrics.envelopesRetired("delivered", batch.delivered);
        expired += batch.expired;
        delivered += batch.delivered;
        return Math.max(batch.expired, batch.delivered) >= batchSize;
      }, MAX_BATCHES_PER_RUN);
      const overdue =
        deps.overdueWithoutExpiry() > 0
          ? await deleteInBatches(async () => {
              const n = await deleteOverdueEnvelopes(deps.sql, {
                maxAgeSeconds: deps.undeliveredMaxAgeSeconds,
                batchSize,
              });
              deps.metrics.envelopesRetired("expired", n);
              return n;
            })
          : { deleted: 0, backlogLeft: false };
      let revoked = 0;
      let archived = 0;
      const unreachable = await runBatchesUntilShort(async () => {
        const batch = await deleteUnreachableEnvelopes(deps.sql, batchSize);
        deps.metrics.envelopesRetired("revoked", batch.revoked);
        deps.metrics.envelopesRetired("archived", batch.archived);
        revoked += batch.revoked;
        archived += batch.archived;
        return Math.max(batch.revoked, batch.archived) >= batchSize;
      }, MAX_BATCHES_PER_RUN);
      const presences = await deleteInBatches(() =>
        deleteAgedPresences(deps.sql, { keepSeconds: deps.presenceRetentionHours * 3600, batchSize }),
      );
      const aged = (table: AgedTable) => deleteInBatches(() => deleteAgedRows(deps.sql, table, batchSize));
      const bodies = await aged("envelope");
      const hellos = await aged("hello_seen");
      const adminRequests = await aged("admin_request_seen");
      const instances = await deleteStoppedInstances(deps.sql, retentionSeconds);
      const deleted = { expired: expired + overdue.deleted, delivered, revoked, archived };
      const total =
        deleted.expired +
        delivered +
        revoked +
        archived +
        presences.deleted +
        bodies.deleted +
        hellos.deleted +
        adminRequests.deleted;
      if (total + instances > 0) {
        deps.log.debug(
          {
            ...deleted,
            presences: presences.deleted,
            envelope_bodies: bodies.deleted,
            hellos_seen: hellos.deleted,
            admin_requests_seen: adminRequests.deleted,
            stopped_instances: instances,
            backlog_left: [envelopes, overdue, unreachable, presences, bodies, hellos, adminRequests].some(
              (r) => r.backlogLeft,
            ),
          },
          "retention sweep deleted rows",
        );
      }
    },
  });
}
