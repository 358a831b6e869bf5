import type { Sql } from "@mesh/db";

/**
 * Marks this instance's live presences disconnected. Only its own: another
 * instance's sessions are never touched. Returns how many were marked.
 */
export async function markInstancePresencesDisconnected(sql: Sql, instanceId: string): Promise<number> {
  const result = await sql`
    update mesh.presence set disconnected_at = now()
    where instance_id = ${instanceId} and disconnected_at is null`;
  return result.count;
}
