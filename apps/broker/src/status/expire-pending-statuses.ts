import type { Sql } from "@mesh/db";

/** Deletes pending hook statuses older than `windowSeconds` (applied or not). Returns how many. */
export async function expirePendingStatuses(sql: Sql, windowSeconds: number): Promise<number> {
  const result = await sql`
    delete from mesh.pending_status where created_at < now() - make_interval(secs => ${windowSeconds})`;
  return result.count;
}
