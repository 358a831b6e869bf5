import type { Sql } from "@mesh/db";

/** Records a pong for each of these presences (one statement per ping round). */
export async function touchPresences(sql: Sql, presenceIds: readonly string[]): Promise<void> {
  if (presenceIds.length === 0) return;
  await sql`
    update mesh.presence set last_ping_at = now()
    where id = any(${presenceIds as string[]}::text[]) and disconnected_at is null`;
}
