import type { Sql } from "@mesh/db";

/** Undelivered queue rows in the whole database (the `broker_queue_depth` gauge). */
export async function countUndelivered(sql: Sql): Promise<number> {
  const [row] = await sql<{ depth: number }[]>`
    select count(*)::int as depth from mesh.message_queue where delivered_at is null and (expires_at is null or expires_at > now())`;
  return row?.depth ?? 0;
}
