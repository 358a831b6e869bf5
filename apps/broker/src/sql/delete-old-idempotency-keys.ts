import type { Sql } from "@mesh/db";
import { IDEMPOTENCY_WINDOW_SECONDS } from "./insert-envelopes.ts";

/**
 * Deletes at most `batchSize` idempotency keys older than the window in which
 * a retry counts as a duplicate (the insert path already treats them as
 * free), oldest first by the created_at index; keys another transaction
 * holds are skipped. Returns how many; `batchSize` means more may wait.
 */
export async function deleteOldIdempotencyKeys(sql: Sql, batchSize: number): Promise<number> {
  // By ctid (`= any(array(…))`, a TID scan): `(sender, client id) in (…)` let the planner scan the whole table.
  // The rows are locked by the subquery, so their ctids cannot move before the delete.
  const result = await sql`
    delete from mesh.send_idempotency
    where ctid = any(array(
      select ctid from mesh.send_idempotency
      where created_at < now() - make_interval(secs => ${IDEMPOTENCY_WINDOW_SECONDS})
      order by created_at
      limit ${batchSize}
      for update skip locked))`;
  return result.count;
}
