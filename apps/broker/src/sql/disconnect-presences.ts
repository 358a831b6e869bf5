import type { Sql, SqlFragment } from "@mesh/db";

/** Which live presences to disconnect. */
export type PresenceSelector =
  /** One session that closed. */
  | { presenceId: string }
  /** Sessions that closed around the same time (one statement for a close storm). */
  | { presenceIds: readonly string[] }
  /** Every session of this instance (shutdown); never another instance's. */
  | { instanceId: string }
  /** Another instance's sessions that have not answered a ping for this long (their broker died). */
  | { silentSeconds: number; exceptInstanceId: string };

function where(sql: Sql, s: PresenceSelector): SqlFragment {
  if ("presenceId" in s) return sql`id = ${s.presenceId}`;
  if ("presenceIds" in s) return sql`id = any(${s.presenceIds as string[]}::text[])`;
  if ("instanceId" in s) return sql`instance_id = ${s.instanceId}`;
  return sql`instance_id <> ${s.exceptInstanceId}
             and last_ping_at < now() - make_interval(secs => ${s.silentSeconds})`;
}

/**
 * Marks the selected live presences disconnected and, in the same
 * statement, releases the leases they held so their envelopes go to the
 * next session. Returns how many presences were marked.
 */
export async function disconnectPresences(sql: Sql, selector: PresenceSelector): Promise<number> {
  const [row] = await sql<{ marked: number }[]>`
    with closed as (
      update mesh.presence set disconnected_at = now()
      where disconnected_at is null and ${where(sql, selector)}
      returning id
    ), released as (
      update mesh.message_queue q set lease_presence_id = null, lease_expires_at = null
      from closed c where q.lease_presence_id = c.id and q.delivered_at is null
    )
    select count(*)::int as marked from closed`;
  return row?.marked ?? 0;
}
