import type { Queryable, Sql, SqlFragment } from "@mesh/db";
import { notifyWake } from "../delivery/notify-wake.ts";

/** Which live presences to disconnect. */
export type PresenceSelector =
  /** One session that closed. */
  | { presenceId: string }
  /** Sessions that closed around the same time (one statement for a close storm). */
  | { presenceIds: readonly string[] }
  /** Every session of this instance (shutdown); never another instance's. */
  | { instanceId: string }
  /** This instance's presences no pong renewed for this long: rows whose close was never recorded (Postgres was away). */
  | { instanceId: string; silentSeconds: number }
  /**
   * Presences of instances other than `exceptInstanceId` that have no live
   * row in the instance registry (stopped, or no heartbeat for
   * `timeoutSeconds`): their broker died.
   */
  | { deadInstanceSeconds: number; exceptInstanceId: string };

function where(sql: Queryable, s: PresenceSelector): SqlFragment {
  if ("presenceId" in s) return sql`p.id = ${s.presenceId}`;
  if ("presenceIds" in s) return sql`p.id = any(${s.presenceIds as string[]}::text[])`;
  if ("deadInstanceSeconds" in s)
    return sql`p.instance_id <> ${s.exceptInstanceId}
               and not exists (
                 select 1 from mesh.broker_instance i
                 where i.id = p.instance_id and i.stopped_at is null
                   and i.heartbeat_at > now() - make_interval(secs => ${s.deadInstanceSeconds}))`;
  if ("silentSeconds" in s)
    return sql`p.instance_id = ${s.instanceId}
               and p.last_ping_at < now() - make_interval(secs => ${s.silentSeconds})`;
  return sql`p.instance_id = ${s.instanceId}`;
}

/** What a disconnect did. */
export interface Disconnected {
  /** Presences marked. */
  marked: number;
  /**
   * Members whose envelopes their other sessions may take now: leases
   * released, or rows addressed to a session that just ended.
   */
  releasedMemberIds: string[];
}

/**
 * Marks the selected live presences disconnected and, in the same
 * statement, releases the leases they held so their envelopes go to the
 * next session (as do rows addressed to one of them by its session key). Members with a session on another instance than `origin`
 * are woken at commit; the caller drains its own.
 */
export async function disconnectPresences(sql: Sql, selector: PresenceSelector, origin: string): Promise<Disconnected> {
  return sql.begin(async (tx) => {
    const [row] = await tx<Disconnected[]>`
      with closed as (
        update mesh.presence p set disconnected_at = now()
        where p.disconnected_at is null and ${where(tx, selector)}
        returning p.id, p.member_id
      ), released as (
        update mesh.message_queue q set lease_presence_id = null, lease_expires_at = null
        from closed c where q.lease_presence_id = c.id and q.delivered_at is null
        returning q.recipient_member_id
      ), addressed as (
        -- Walks each member's undelivered rows by the (recipient, id) index, not the whole queue.
        select c.member_id from closed c
        where exists (select 1 from mesh.message_queue q
                      where q.recipient_member_id = c.member_id and q.delivered_at is null
                        and q.target_presence_id = c.id)
      )
      select (select count(*)::int from closed) as marked,
             coalesce((select array_agg(distinct m) from (select recipient_member_id as m from released
                                                          union select member_id from addressed) a), '{}')
               as "releasedMemberIds"`;
    const result = row ?? { marked: 0, releasedMemberIds: [] };
    await notifyWake(tx, origin, { memberIds: result.releasedMemberIds });
    return result;
  });
}
