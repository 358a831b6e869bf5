import type { Sql } from "@mesh/db";

/**
 * Marks disconnected every live presence of another instance whose session
 * has not answered a ping for `silentSeconds` (its broker died), and
 * releases what it held. This instance's own sessions are judged by their
 * sockets, not by rows. Returns how many were reaped.
 */
export async function reapStalePresences(sql: Sql, silentSeconds: number, ownInstanceId: string): Promise<number> {
  const [row] = await sql<{ reaped: number }[]>`
    with reaped as (
      update mesh.presence set disconnected_at = now()
      where disconnected_at is null and instance_id <> ${ownInstanceId}
        and last_ping_at < now() - make_interval(secs => ${silentSeconds})
      returning id
    ), released as (
      update mesh.message_queue q set lease_presence_id = null, lease_expires_at = null
      from reaped r where q.lease_presence_id = r.id and q.delivered_at is null
    )
    select count(*)::int as reaped from reaped`;
  return row?.reaped ?? 0;
}
