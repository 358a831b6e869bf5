import type { Sql } from "@mesh/db";

/**
 * The TTL sweep: every live session in `working` for longer than
 * `ttlSeconds` becomes `idle` (source heartbeat). Returns the flipped
 * presences so their holders can release held envelopes.
 */
export async function flipStuckWorking(
  sql: Sql,
  ttlSeconds: number,
): Promise<{ presenceId: string; memberId: string; instanceId: string }[]> {
  return sql`
    update mesh.presence
    set status = 'idle', status_source = 'heartbeat', status_updated_at = now()
    where disconnected_at is null and status = 'working'
      and status_updated_at < now() - make_interval(secs => ${ttlSeconds})
    returning id as "presenceId", member_id as "memberId", instance_id as "instanceId"`;
}
