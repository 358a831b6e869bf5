import type { EnvelopeRow, MemberRow, MessageQueueRow, Sql } from "@mesh/db";
import type { Priority } from "@mesh/shared";

/** A member with live sessions here, and what its sessions may take right now. */
export interface DrainTarget {
  memberId: string;
  /** The priorities some session of the member may receive now (the status model's `deliverablePriorities`). */
  priorities: readonly Priority[];
  /** Each live session of the member here, with what it may receive now: rows addressed to one session go by its own. */
  sessions: readonly { presenceId: string; priorities: readonly Priority[] }[];
  /** The session that holds the lease on what is claimed. */
  leasePresenceId: string;
}

/** A claimed queue row with what its envelope carries, ready to push. */
export type ClaimedEnvelope = Pick<
  MessageQueueRow,
  "id" | "messageId" | "meshId" | "recipientMemberId" | "priority" | "createdAt" | "targetPresenceId"
> &
  Pick<EnvelopeRow, "nonce" | "ciphertext"> & {
    /** The key that sealed it: the sending session's own, else the sender's member key. */
    senderPubkey: string;
    senderMemberId: MessageQueueRow["senderMemberId"];
    senderMemberPubkey: MemberRow["pubkey"];
    /** Times the row has been pushed, this push included once it is pushed: above 1, a redelivery. */
    pushes: number;
    /**
     * Seconds from the row's commit, or from the start of the session that
     * holds the lease when that is later, to the claim (Postgres's clock only):
     * the send→push latency, less the push itself.
     */
    waitedSeconds: number;
  };

/** Each member's share of a claim is at least this many rows. */
const MIN_ROWS_PER_MEMBER = 16;

/**
 * Claims up to `limit` deliverable rows for these members under a lease,
 * each member's oldest first and at most its share of `limit` (so one
 * member's backlog neither starves the others nor makes every drain walk
 * it whole), skipping rows another drain holds (`FOR UPDATE SKIP LOCKED`)
 * or has leased: two drains never push the same row. Expired rows are never
 * claimed. A row addressed to one session (by its session key) is claimed
 * by that session's status and leased to it while it lives, left to its
 * instance when it lives elsewhere, and claimed like any other once it is
 * gone. Returns rows in id order, and `more` when some member filled its
 * share (more may wait).
 */
export async function claimDeliverable(
  sql: Sql,
  targets: readonly DrainTarget[],
  limit: number,
  leaseSeconds: number,
): Promise<{ rows: ClaimedEnvelope[]; more: boolean }> {
  if (targets.length === 0) return { rows: [], more: false };
  const perMember = Math.max(MIN_ROWS_PER_MEMBER, Math.ceil(limit / targets.length));
  const rows = await sql<ClaimedEnvelope[]>`
    with wanted as (
      select w.member_id, string_to_array(w.priorities, ',') as priorities, w.presence_id, p.connected_at
      from unnest(
        ${targets.map((t) => t.memberId)}::text[],
        ${targets.map((t) => t.priorities.join(","))}::text[],
        ${targets.map((t) => t.leasePresenceId)}::text[]
      ) as w(member_id, priorities, presence_id)
      left join mesh.presence p on p.id = w.presence_id
    ), local_sessions as (
      select * from unnest(
        ${targets.flatMap((t) => t.sessions.map((s) => s.presenceId))}::text[],
        ${targets.flatMap((t) => t.sessions.map((s) => s.priorities.join(",")))}::text[]
      ) as l(presence_id, priorities)
    ), candidates as (
      -- Per member, an ordered walk of its undelivered rows (the partial index on (recipient, id)) that stops
      -- at the limit: a backlog of many members is never scanned and sorted whole on every drain.
      select c.id, coalesce(c.local_target, w.presence_id) as presence_id, w.connected_at
      from wanted w
      cross join lateral (
        select q.id, t.local_target from mesh.message_queue q
        -- Only a row addressed to one session looks further: its session here, if it is here.
        cross join lateral (
          select case when q.target_presence_id is null then null
                      else (select l.presence_id from local_sessions l where l.presence_id = q.target_presence_id)
                 end as local_target
        ) t
        where q.recipient_member_id = w.member_id
          and q.delivered_at is null
          and (q.lease_expires_at is null or q.lease_expires_at < now())
          and (q.expires_at is null or q.expires_at > now())
          and case
                when q.target_presence_id is null then q.priority = any(w.priorities)
                -- Addressed to a session here: by what that session may take.
                when t.local_target is not null
                  then q.priority = any(string_to_array(
                         (select l.priorities from local_sessions l where l.presence_id = t.local_target), ','))
                -- Addressed to a session that lives on another instance: that instance's to push.
                when exists (select 1 from mesh.presence p
                             where p.id = q.target_presence_id and p.disconnected_at is null) then false
                else q.priority = any(w.priorities)
              end
        order by q.id
        limit ${perMember}
      ) c
      order by c.id
      limit ${limit}
    ), claimable as (
      -- Lock what is still claimable; rows another drain holds are skipped, never waited for.
      select q.id, c.presence_id, c.connected_at
      from candidates c
      join mesh.message_queue q on q.id = c.id
      where q.delivered_at is null
        and (q.lease_expires_at is null or q.lease_expires_at < now())
      for update of q skip locked
    )
    update mesh.message_queue q
    set lease_presence_id = c.presence_id,
        lease_expires_at = now() + make_interval(secs => ${leaseSeconds}),
        attempts = q.attempts + 1
    from claimable c, mesh.member s, mesh.envelope e
    where q.id = c.id and s.id = q.sender_member_id and e.id = q.envelope_id
    returning q.id::text as id, q.message_id as "messageId", q.mesh_id as "meshId",
              q.recipient_member_id as "recipientMemberId",
              coalesce(e.sender_session_pubkey, s.pubkey) as "senderPubkey", s.pubkey as "senderMemberPubkey",
              q.sender_member_id as "senderMemberId",
              q.priority, e.nonce, e.ciphertext, q.created_at as "createdAt", q.target_presence_id as "targetPresenceId",
              q.attempts as pushes,
              extract(epoch from clock_timestamp() - greatest(q.created_at, c.connected_at))::float8 as "waitedSeconds"`;
  const perRecipient = new Map<string, number>();
  for (const r of rows) perRecipient.set(r.recipientMemberId, (perRecipient.get(r.recipientMemberId) ?? 0) + 1);
  return {
    rows: [...rows].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)),
    more: rows.length >= limit || [...perRecipient.values()].some((n) => n >= perMember),
  };
}
