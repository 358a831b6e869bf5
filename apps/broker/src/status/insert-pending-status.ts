import type { Sql } from "@mesh/db";
import type { Status } from "@mesh/shared";

/**
 * Stores a hook status no live session matched (the first-turn race): the
 * session's hello applies it, the pending-status sweeper forgets it.
 */
export async function insertPendingStatus(
  sql: Sql,
  pending: { pid: number | null; cwd: string; status: Status },
): Promise<void> {
  await sql`
    insert into mesh.pending_status (pid, cwd, status)
    values (${pending.pid}, ${pending.cwd}, ${pending.status})`;
}
