import type { Sql } from "@mesh/db";

/**
 * Marks this instance's live presences disconnected and releases the leases
 * they held. Only its own: another instance's sessions are never touched.
 * Returns how many presences were marked.
 */
export async function markInstancePresencesDisconnected(sql: Sql, instanceId: string): Promise<number> {
  const [row] = await sql<{ marked: number }[]>`
    with closed as (
      update mesh.presence set disconnected_at = now()
      where instance_id = ${instanceId} and disconnected_at is null
      returning id
    ), released as (
      update mesh.message_queue q set lease_presence_id = null, lease_expires_at = null
      from closed c where q.lease_presence_id = c.id and q.delivered_at is null
    )
    select count(*)::int as marked from closed`;
  return row?.marked ?? 0;
}
