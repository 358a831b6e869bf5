import type { Sql } from "@mesh/db";

/** How many queue rows one call deleted, by why they were retired. */
export interface RetiredEnvelopes {
  /** Expired before anyone received them: never claimed again, so nobody ever will. */
  expired: number;
  /** Delivered longer ago than the retention period. */
  delivered: number;
}

/**
 * Deletes at most `batchSize` rows of each kind in one statement, oldest
 * first, each kind found by its partial index: undelivered rows whose expiry
 * has passed (and whose lease, if any, has run out, so an `ack` session still
 * holding one can acknowledge it), and rows delivered more than
 * `retentionSeconds` ago. Rows another transaction holds (a claim, an ack,
 * another instance's sweep) are skipped, never waited for. A kind that comes
 * back at `batchSize` may have more.
 */
export async function deleteRetiredEnvelopes(
  sql: Sql,
  options: { retentionSeconds: number; batchSize: number },
): Promise<RetiredEnvelopes> {
  const { retentionSeconds, batchSize } = options;
  // `id = any(array(…))` deletes by the primary key; `id in (…)` let the planner hash-join a scan of the whole table.
  const [row] = await sql<RetiredEnvelopes[]>`
    with expired as (
      delete from mesh.message_queue
      where id = any(array(
        select id from mesh.message_queue
        where expires_at < now() and expires_at is not null and delivered_at is null
          and (lease_expires_at is null or lease_expires_at < now())
        order by expires_at
        limit ${batchSize}
        for update skip locked))
      returning 1
    ), delivered as (
      delete from mesh.message_queue
      where id = any(array(
        select id from mesh.message_queue
        where delivered_at < now() - make_interval(secs => ${retentionSeconds}) and delivered_at is not null
        order by delivered_at
        limit ${batchSize}
        for update skip locked))
      returning 1
    )
    select (select count(*) from expired)::int as expired, (select count(*) from delivered)::int as delivered`;
  return { expired: row?.expired ?? 0, delivered: row?.delivered ?? 0 };
}
