import type { Sql } from "@mesh/db";
import { SESSION_KEY_MEMORY_SECONDS } from "../sessions/open-presence.ts";

/**
 * Deletes at most `batchSize` presences of sessions that ended more than
 * `keepSeconds` ago, oldest first. A presence with a session key is kept
 * at least as long as the key stays addressable and reserved (24 h), and
 * one that an undelivered row's lease still names is kept. A row addressed
 * to a deleted presence (by its session key) goes to the member's next
 * session, as it would once the session ended. Rows another transaction
 * holds are skipped. Returns how many; `batchSize` means more may wait.
 */
export async function deleteAgedPresences(
  sql: Sql,
  options: { keepSeconds: number; batchSize: number },
): Promise<number> {
  const result = await sql`
    delete from mesh.presence
    where id = any(array(
      select p.id from mesh.presence p
      where p.disconnected_at < now() - make_interval(secs => ${options.keepSeconds})
        and (p.session_pubkey is null
             or p.disconnected_at < now() - make_interval(secs => ${SESSION_KEY_MEMORY_SECONDS}))
        and not exists (select 1 from mesh.message_queue q
                        where q.lease_presence_id = p.id and q.delivered_at is null)
      order by p.disconnected_at
      limit ${options.batchSize}
      for update of p skip locked))`;
  return result.count;
}
