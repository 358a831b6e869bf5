import type { Sql } from "@mesh/db";
import { MAX_ADMIN_SKEW_MS } from "../admin/owner-signature.ts";
import { MAX_HELLO_SKEW_MS } from "../sessions/hello-checks.ts";

/**
 * Tables whose rows only matter for a fixed time: the column they age by,
 * and for how long (seconds) they must be kept.
 */
export const AGED_TABLES = {
  /**
   * What a send carries, and its idempotency key: kept until its recipient
   * rows expire (none is pushed after) and its key's 24 h window has passed,
   * both folded into `keep_until` at insert. Delivered rows outlive it.
   */
  envelope: { column: "keep_until", keepSeconds: 0 },
  /**
   * A hello is valid up to 60 s either side of its timestamp, so a replay can
   * come at most two skew windows after the original: kept for five.
   */
  hello_seen: { column: "seen_at", keepSeconds: (5 * MAX_HELLO_SKEW_MS) / 1000 },
  /** An owner-signed admin request is valid 60 s either side of its timestamp: kept as long as hellos. */
  admin_request_seen: { column: "seen_at", keepSeconds: (5 * MAX_ADMIN_SKEW_MS) / 1000 },
} as const;

/** A table of {@link AGED_TABLES}. */
export type AgedTable = keyof typeof AGED_TABLES;

/**
 * Deletes at most `batchSize` rows of `table` older than it keeps them,
 * oldest first by its time index; rows another transaction holds are
 * skipped. Returns how many; `batchSize` means more may wait.
 */
export async function deleteAgedRows(sql: Sql, table: AgedTable, batchSize: number): Promise<number> {
  const { column, keepSeconds } = AGED_TABLES[table];
  const name = sql(`mesh.${table}`);
  const at = sql(column);
  // By ctid (`= any(array(…))`, a TID scan): a key `in (…)` let the planner scan the whole table.
  // The rows are locked by the subquery, so their ctids cannot move before the delete.
  const result = await sql`
    delete from ${name}
    where ctid = any(array(
      select ctid from ${name}
      where ${at} < now() - make_interval(secs => ${keepSeconds})
      order by ${at}
      limit ${batchSize}
      for update skip locked))`;
  return result.count;
}
