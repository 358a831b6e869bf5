import type { Sql } from "@mesh/db";
import type { Status } from "@mesh/shared";

/**
 * Stores a hook status no live session matched (the first-turn race): the
 * session's hello applies it, the pending-status sweeper forgets it. One row
 * per (pid, cwd): a re-post replaces the one still waiting. While
 * `maxPending` statuses wait within the window, a new (pid, cwd) stores
 * nothing. Returns whether the status was stored.
 */
export async function insertPendingStatus(
  sql: Sql,
  pending: { pid: number | null; cwd: string; status: Status },
  limits: { maxPending: number; windowSeconds: number },
): Promise<boolean> {
  return sql.begin(async (tx) => {
    // One writer at a time on every instance, so the cap holds and two re-posts leave one row.
    await tx`select pg_advisory_xact_lock(hashtextextended('mesh-pending-status', 0))`;
    await tx`
      delete from mesh.pending_status
      where applied_at is null and cwd = ${pending.cwd} and pid is not distinct from ${pending.pid}::int`;
    const stored = await tx`
      insert into mesh.pending_status (pid, cwd, status)
      select ${pending.pid}::int, ${pending.cwd}, ${pending.status}
      where (select count(*) from mesh.pending_status
             where applied_at is null and created_at > now() - make_interval(secs => ${limits.windowSeconds}))
            < ${limits.maxPending}
      returning id`;
    return stored.length > 0;
  });
}
