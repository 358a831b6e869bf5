import type { Sql } from "@mesh/db";

/**
 * Marks one session's presence disconnected and releases any envelope it
 * still held under lease, so another session (or its reconnect) gets it.
 */
export async function closePresence(sql: Sql, presenceId: string): Promise<void> {
  await sql`
    with closed as (
      update mesh.presence set disconnected_at = now()
      where id = ${presenceId} and disconnected_at is null
      returning id
    )
    update mesh.message_queue set lease_presence_id = null, lease_expires_at = null
    where lease_presence_id = ${presenceId} and delivered_at is null`;
}
