import type { Sql } from "@mesh/db";

/**
 * After a push: rows handed to a socket are marked delivered; rows no socket
 * took lose their lease so the next drain offers them again, and their claim
 * no longer counts as a push (`attempts` counts pushes: above 1, the next one
 * is a redelivery).
 */
export async function settlePushed(sql: Sql, delivered: readonly string[], released: readonly string[]): Promise<void> {
  if (delivered.length === 0 && released.length === 0) return;
  await sql`
    with done as (
      update mesh.message_queue
      set delivered_at = now(), lease_presence_id = null, lease_expires_at = null
      where id = any(${delivered as string[]}::bigint[]) and delivered_at is null
    )
    update mesh.message_queue set lease_presence_id = null, lease_expires_at = null, attempts = greatest(attempts - 1, 0)
    where id = any(${released as string[]}::bigint[]) and delivered_at is null`;
}
