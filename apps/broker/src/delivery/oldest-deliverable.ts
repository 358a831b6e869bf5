import type { Sql } from "@mesh/db";
import { STATUSES } from "@mesh/shared";
import { deliverablePriorities } from "../status/status-model.ts";

/**
 * Age in seconds of the oldest undelivered, unexpired row that nobody holds
 * (no live lease) and that some live session of its recipient may take now by
 * its status, 0 when there is none. A row addressed to one session counts
 * for that session alone while it lives. Unlike the oldest undelivered row,
 * this one does not grow while a recipient is offline or busy: it grows when
 * delivery itself is stuck. One ordered walk of the undelivered index per live
 * session; run by one instance per sweep, never per message.
 */
export async function oldestDeliverableSeconds(sql: Sql): Promise<number> {
  const [row] = await sql<{ seconds: number | null }[]>`
    with takes as (
      select s.status, string_to_array(s.priorities, ',') as priorities
      from unnest(
        ${[...STATUSES]}::text[],
        ${STATUSES.map((s) => deliverablePriorities(s).join(","))}::text[]
      ) as s(status, priorities)
    )
    select extract(epoch from now() - min(o.created_at))::float8 as seconds
    from mesh.presence p
    join takes t on t.status = p.status
    cross join lateral (
      select q.created_at from mesh.message_queue q
      where q.recipient_member_id = p.member_id
        and q.delivered_at is null
        and (q.lease_expires_at is null or q.lease_expires_at < now())
        and (q.expires_at is null or q.expires_at > now())
        and q.priority = any(t.priorities)
        and (q.target_presence_id is null or q.target_presence_id = p.id
             or not exists (select 1 from mesh.presence l
                            where l.id = q.target_presence_id and l.disconnected_at is null))
      order by q.id
      limit 1
    ) o
    where p.disconnected_at is null`;
  return Math.max(0, row?.seconds ?? 0);
}
