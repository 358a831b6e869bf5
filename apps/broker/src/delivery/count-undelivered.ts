import type { Sql } from "@mesh/db";

/** Undelivered, unexpired queue rows per mesh (the queue cap and the `broker_queue_depth` gauge). */
export async function countUndeliveredByMesh(sql: Sql): Promise<Map<string, number>> {
  const rows = await sql<{ meshId: string; depth: number }[]>`
    select mesh_id as "meshId", count(*)::int as depth from mesh.message_queue
    where delivered_at is null and (expires_at is null or expires_at > now())
    group by mesh_id`;
  return new Map(rows.map((r) => [r.meshId, r.depth]));
}
