import type { Sql } from "@mesh/db";

/**
 * Deletes at most `batchSize` undelivered rows stored without an expiry
 * (before every row got one) more than `maxAgeSeconds` ago, oldest first,
 * once any lease on them has run out: they are past the maximum lifetime of
 * an undelivered envelope. Rows another transaction holds are skipped.
 * Returns how many; `batchSize` means more may wait.
 */
export async function deleteOverdueEnvelopes(
  sql: Sql,
  options: { maxAgeSeconds: number; batchSize: number },
): Promise<number> {
  const result = await sql`
    delete from mesh.message_queue
    where id = any(array(
      select id from mesh.message_queue
      where delivered_at is null and expires_at is null
        and created_at < now() - make_interval(secs => ${options.maxAgeSeconds})
        and (lease_expires_at is null or lease_expires_at < now())
      order by id
      limit ${options.batchSize}
      for update skip locked))`;
  return result.count;
}
