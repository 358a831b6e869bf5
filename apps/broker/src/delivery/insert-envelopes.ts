import type { Sql, SqlFragment } from "@mesh/db";
import { BROADCAST_TARGET, type Priority } from "@mesh/shared";
import { SESSION_KEY_MEMORY_SECONDS } from "../sessions/open-presence.ts";
import type { ClaimedEnvelope } from "./claim-deliverable.ts";
import type { LeaseCandidate } from "./lease-candidates.ts";
import { notifyWake } from "./notify-wake.ts";
import type { QueueLimit } from "./queue-ledger.ts";

/** One accepted `send`, ready to be stored. */
export interface EnvelopeToStore {
  messageId: string;
  meshId: string;
  senderMemberId: string;
  /** The sender's member key (pushed as `senderPubkey` when the session has no key of its own). */
  senderMemberPubkey: string;
  /** The sending session's own key, if it has one: pushed as `senderPubkey`. */
  senderSessionPubkey: string | null;
  /** `*`, a member's key, or a session key of the mesh. */
  targetSpec: string;
  priority: Priority;
  nonce: string;
  ciphertext: string;
  clientId: string | null;
  ttlSeconds: number | null;
  /** Members a broadcast leaves out: they hold their share of the queue as recipients. */
  skipRecipientIds: readonly string[];
}

/** Rows one batch may still store, per mesh and per sender: the queue bounds, less what is committed. */
export interface RowBudget {
  mesh: number;
  sender: number;
}

/** How long an accepted (sender, client id) makes a retry a duplicate (docs/protocol.md#idempotent-sends); older keys are free and swept. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

/** What storing one envelope did. */
export type StoredEnvelope =
  | {
      kind: "queued";
      messageId: string;
      recipientMemberIds: string[];
      /** Rows stored already leased to a session on this instance (`leaseLocal`): the caller pushes them. */
      leased: ClaimedEnvelope[];
      /** The transaction that stored it (`pg_current_xact_id()`): the queue count tells by it whether it saw the rows. */
      xid: number;
    }
  | { kind: "duplicate"; messageId: string }
  | { kind: "unknown_recipient" }
  /** The sender was revoked, or its mesh archived, before the commit (its session is being closed): nothing stored. */
  | { kind: "sender_ended"; reason: "member_revoked" | "mesh_archived" }
  /** Storing it would pass the mesh's budget or the sender's, or every recipient it could reach holds its share (nothing stored). */
  | { kind: "queue_full"; limit: QueueLimit };

/**
 * Stores a batch of envelopes in one transaction (one commit for many sends):
 * reserves each (sender, client id) — a key accepted in the last 24 h makes
 * the send a duplicate that is answered with the original message id — then
 * fans every envelope out to one queue row per recipient, resolved inside
 * the insert (direct: the member with that pubkey, else the session with
 * that session key — live, or ended within a day — and its member; `*`:
 * every other non-revoked member but those it skips). A row for a session
 * key names that presence: it takes the row while it lives, its member's
 * next session after. Rows get ids in batch order, so per-sender order
 * holds. Each row expires after its `ttlSeconds`, and at the latest after
 * `maxAgeSeconds`. Given `budgetOf`, an envelope whose rows would take its
 * mesh or its sender past its budget (in batch order, every envelope's rows
 * counted first) stores nothing (`queue_full`; its rows still count against
 * the envelopes after it). A broadcast that left out everyone it could reach
 * stores nothing either (`queue_full`). A direct send to no member, or one
 * refused for the queue bounds, frees its key. Given `leaseLocal`, a row
 * for a member with a candidate session here (`candidatesOf`: by this
 * instance's view of its status, as a drain's claim would take it) that
 * takes the row's priority, with nothing unleased it could take waiting, is
 * stored already leased to that session (counted as pushed once): the
 * caller pushes it after the commit, with no claim in between
 * ({@link StoredEnvelope} `leased`). A row whose lease ran out unacked does
 * not hold newer rows back: it is redelivered by the next drain.
 * Recipients of the other rows with a session on another instance than
 * `origin` are woken by one notification at commit. Results are in input
 * order; `batch` must not repeat a (sender, client id).
 */
export async function insertEnvelopes(
  sql: Sql,
  batch: readonly EnvelopeToStore[],
  options: {
    origin: string;
    maxAgeSeconds: number;
    budgetOf?: (e: EnvelopeToStore) => RowBudget;
    /** Lease rows to these sessions on `origin` at insert, for this long (the drain's lease). */
    leaseLocal?: { leaseSeconds: number; candidatesOf: (e: EnvelopeToStore) => readonly LeaseCandidate[] };
  },
): Promise<StoredEnvelope[]> {
  const { origin, maxAgeSeconds, leaseLocal } = options;
  return sql.begin(async (tx) => {
    const keyed = batch.filter((e) => e.clientId !== null);
    const duplicates = new Map<string, string>();
    if (keyed.length > 0) {
      const senders = keyed.map((e) => e.senderMemberId);
      const clientIds = keyed.map((e) => e.clientId as string);
      const fresh = await tx<{ sender: string; clientId: string }[]>`
        insert into mesh.send_idempotency (sender_member_id, client_id, message_id)
        select * from unnest(${senders}::text[], ${clientIds}::text[], ${keyed.map((e) => e.messageId)}::text[])
        on conflict (sender_member_id, client_id) do update
          set message_id = excluded.message_id, created_at = now()
          where mesh.send_idempotency.created_at < now() - make_interval(secs => ${IDEMPOTENCY_WINDOW_SECONDS})
        returning sender_member_id as sender, client_id as "clientId"`;
      if (fresh.length < keyed.length) {
        const taken = new Set(fresh.map((r) => `${r.sender}\u0000${r.clientId}`));
        const originals = await tx<{ sender: string; clientId: string; messageId: string }[]>`
          select sender_member_id as sender, client_id as "clientId", message_id as "messageId"
          from mesh.send_idempotency
          where (sender_member_id, client_id) in (select * from unnest(${senders}::text[], ${clientIds}::text[]))`;
        for (const o of originals) {
          const key = `${o.sender}\u0000${o.clientId}`;
          if (!taken.has(key)) duplicates.set(key, o.messageId);
        }
      }
    }

    // A revocation commits before its session is closed: what it sends meanwhile is refused, never acked.
    const ended = new Map<string, "member_revoked" | "mesh_archived">();
    for (const r of await tx<{ id: string; revoked: boolean }[]>`
      select s.id, s.revoked_at is not null as revoked
      from mesh.member s join mesh.mesh x on x.id = s.mesh_id
      where s.id = any(${[...new Set(batch.map((e) => e.senderMemberId))]}::text[])
        and (s.revoked_at is not null or x.archived_at is not null)`) {
      ended.set(r.id, r.revoked ? "member_revoked" : "mesh_archived");
    }
    const keyOf = (e: EnvelopeToStore) => `${e.senderMemberId}\u0000${e.clientId}`;
    const toQueue = batch.filter(
      (e) => !ended.has(e.senderMemberId) && (e.clientId === null || !duplicates.has(keyOf(e))),
    );
    const recipients = new Map<string, string[]>();
    const leased = new Map<string, ClaimedEnvelope[]>();
    const overBudget = new Map<string, "mesh" | "sender">();
    /** This transaction's id, once it stored a row: the queue count says which commits it has seen by it. */
    let xid = 0;
    if (toQueue.length > 0) {
      const budgets = options.budgetOf ? toQueue.map(options.budgetOf) : [];
      const u = tx`
        select * from unnest(
          ${toQueue.map((e) => e.messageId)}::text[], ${toQueue.map((e) => e.meshId)}::text[],
          ${toQueue.map((e) => e.senderMemberId)}::text[], ${toQueue.map((e) => e.senderSessionPubkey)}::text[],
          ${toQueue.map((e) => e.targetSpec)}::text[], ${toQueue.map((e) => e.priority)}::text[],
          ${toQueue.map((e) => e.nonce)}::text[], ${toQueue.map((e) => e.ciphertext)}::text[],
          ${toQueue.map((e) => e.clientId)}::text[], ${toQueue.map((e) => e.ttlSeconds)}::int[],
          ${toQueue.map((e) => (e.skipRecipientIds.length > 0 ? e.skipRecipientIds.join(",") : null))}::text[],
          ${budgets.map((b) => b.mesh)}::int[], ${budgets.map((b) => b.sender)}::int[]
        ) with ordinality
          as u(message_id, mesh_id, sender, sender_session, target, priority, nonce, ciphertext, client_id, ttl,
               skip, mesh_budget, sender_budget, ord)`;
      const recipientsOf = tx`
        -- A member's key (by the unique (mesh, pubkey) index), then a broadcast's members: two branches, so the
        -- direct send never walks its mesh's members.
        select u.ord, m.id as member_id, null::text as presence_id
        from u
        join mesh.member m on m.mesh_id = u.mesh_id and m.pubkey = u.target and m.revoked_at is null
        where u.target <> ${BROADCAST_TARGET}
        union all
        select u.ord, m.id, null::text
        from u
        join mesh.member m on m.mesh_id = u.mesh_id and m.revoked_at is null
          and m.id <> u.sender and (u.skip is null or m.id <> all(string_to_array(u.skip, ',')))
        where u.target = ${BROADCAST_TARGET}
        union all
        -- Not a member's key: a session key, its live session first, else the one that ended last.
        select u.ord, s.member_id, s.id
        from (select * from u
              where u.target <> ${BROADCAST_TARGET}
                and not exists (select 1 from mesh.member k
                                where k.mesh_id = u.mesh_id and k.pubkey = u.target and k.revoked_at is null)) u
        cross join lateral (
          select p.id, p.member_id
          from mesh.presence p
          join mesh.member m on m.id = p.member_id and m.revoked_at is null
          where p.mesh_id = u.mesh_id and p.session_pubkey = u.target
            and (p.disconnected_at is null
                 or p.disconnected_at > now() - make_interval(secs => ${SESSION_KEY_MEMORY_SECONDS}))
          order by p.disconnected_at is null desc, p.connected_at desc
          limit 1
        ) s`;
      // The sessions here rows may be leased to at insert, by (envelope, member): one each at most.
      const candidates = leaseLocal
        ? toQueue.flatMap((e, i) => leaseLocal.candidatesOf(e).map((c) => ({ ord: i + 1, c })))
        : [];
      const cands = tx`cands as (
        select distinct on (c.ord, c.member_id) c.ord, c.member_id, c.presence_id,
               string_to_array(c.priorities, ',') as priorities
        from unnest(
          ${candidates.map((x) => x.ord)}::int[], ${candidates.map((x) => x.c.memberId)}::text[],
          ${candidates.map((x) => x.c.presenceId)}::text[], ${candidates.map((x) => x.c.priorities.join(","))}::text[]
        ) as c(ord, member_id, presence_id, priorities))`;
      const insertRows = (withinBudget: SqlFragment) => tx`
        insert into mesh.message_queue
          (message_id, mesh_id, sender_member_id, recipient_member_id, target_spec, priority, nonce, ciphertext,
           client_id, expires_at, sender_session_pubkey, target_presence_id,
           lease_presence_id, lease_expires_at, attempts)
        select l.message_id, l.mesh_id, l.sender, l.member_id, l.target, l.priority, l.nonce, l.ciphertext,
               l.client_id, l.expires_at, l.sender_session, l.presence_id,
               l.lease_to,
               case when l.lease_to is not null then now() + make_interval(secs => ${leaseLocal?.leaseSeconds ?? 0}) end,
               case when l.lease_to is not null then 1 else 0 end
        from (
          select u.message_id, u.mesh_id, u.sender, r.member_id, u.target, u.priority, u.nonce, u.ciphertext,
                 u.client_id, now() + make_interval(secs => least(coalesce(u.ttl, ${maxAgeSeconds}), ${maxAgeSeconds}))
                   as expires_at,
                 u.sender_session, r.presence_id,
                 -- Leased at insert: a session here takes it now, and nothing unleased it could take is waiting
                 -- (the partial index of waiting rows).
                 case when c.presence_id is not null and not exists (
                   select 1 from mesh.message_queue o
                   where o.recipient_member_id = r.member_id and o.delivered_at is null and o.lease_presence_id is null
                     and o.priority = any(c.priorities)
                     and (o.expires_at is null or o.expires_at > now()))
                 then c.presence_id end as lease_to,
                 u.ord
          from u
          join recipients r on r.ord = u.ord
          left join cands c on c.ord = u.ord and c.member_id = r.member_id
            and (r.presence_id is null or c.presence_id = r.presence_id) and u.priority = any(c.priorities)
          ${withinBudget}
        ) l
        order by l.ord, l.member_id
        returning id::text as id, message_id as "messageId", recipient_member_id as recipient, null::text as over,
                  pg_current_xact_id()::text as xid, lease_presence_id as "leasedTo", created_at as "createdAt",
                  target_presence_id as "targetPresenceId"`;
      type Row = {
        id: string | null;
        messageId: string;
        recipient: string | null;
        over: "mesh" | "sender" | null;
        xid: string | null;
        leasedTo: string | null;
        createdAt: Date | null;
        targetPresenceId: string | null;
      };
      const rows = options.budgetOf
        ? await tx<Row[]>`
            with u as (${u}), recipients as (${recipientsOf}), ${cands}, fanout as (
              -- Each envelope's rows against its mesh's and its sender's budget, in batch order.
              select f.ord, u.message_id,
                     sum(f.n) over (partition by u.mesh_id order by f.ord) > u.mesh_budget as over_mesh,
                     sum(f.n) over (partition by u.sender order by f.ord) > u.sender_budget as over_sender
              from (select r.ord, count(*) as n from recipients r group by r.ord) f
              join u on u.ord = f.ord
            ), stored as (${insertRows(tx`join fanout f on f.ord = u.ord and not f.over_mesh and not f.over_sender`)})
            select * from stored
            union all
            select null, message_id, null, case when over_mesh then 'mesh' else 'sender' end, null, null, null, null
            from fanout
            where over_mesh or over_sender`
        : await tx<Row[]>`with u as (${u}), recipients as (${recipientsOf}), ${cands} ${insertRows(tx``)}`;
      const byMessageId = new Map(toQueue.map((e) => [e.messageId, e]));
      /** Recipients of rows left to a drain: their sessions on other instances are woken. */
      const toWake: string[] = [];
      for (const r of rows) {
        if (r.recipient === null) {
          overBudget.set(r.messageId, r.over ?? "mesh");
          continue;
        }
        xid = Number(r.xid);
        const list = recipients.get(r.messageId);
        if (list) list.push(r.recipient);
        else recipients.set(r.messageId, [r.recipient]);
        const e = byMessageId.get(r.messageId);
        if (r.leasedTo === null || !e || r.id === null || r.createdAt === null) {
          toWake.push(r.recipient);
          continue;
        }
        const list2 = leased.get(r.messageId) ?? [];
        list2.push({
          id: r.id,
          messageId: e.messageId,
          meshId: e.meshId,
          recipientMemberId: r.recipient,
          priority: e.priority,
          nonce: e.nonce,
          ciphertext: e.ciphertext,
          createdAt: r.createdAt,
          targetPresenceId: r.targetPresenceId,
          senderPubkey: e.senderSessionPubkey ?? e.senderMemberPubkey,
          senderMemberId: e.senderMemberId,
          senderMemberPubkey: e.senderMemberPubkey,
          pushes: 1,
          waitedSeconds: 0,
        });
        leased.set(r.messageId, list2);
      }
      await notifyWake(tx, origin, { memberIds: toWake });
    }

    const results = batch.map((e): StoredEnvelope => {
      const endedReason = ended.get(e.senderMemberId);
      if (endedReason !== undefined) return { kind: "sender_ended", reason: endedReason };
      const original = e.clientId === null ? undefined : duplicates.get(keyOf(e));
      if (original !== undefined) return { kind: "duplicate", messageId: original };
      const over = overBudget.get(e.messageId);
      if (over !== undefined) return { kind: "queue_full", limit: over };
      const to = recipients.get(e.messageId) ?? [];
      if (to.length === 0 && e.targetSpec !== BROADCAST_TARGET) return { kind: "unknown_recipient" };
      // Everyone it could reach holds their share.
      if (to.length === 0 && e.skipRecipientIds.length > 0) return { kind: "queue_full", limit: "recipient" };
      return {
        kind: "queued",
        messageId: e.messageId,
        recipientMemberIds: to,
        leased: leased.get(e.messageId) ?? [],
        xid,
      };
    });
    const unclaimedKeys = batch.filter(
      (e, i) =>
        e.clientId !== null &&
        (results[i]?.kind === "unknown_recipient" ||
          results[i]?.kind === "queue_full" ||
          (results[i]?.kind === "sender_ended" && !duplicates.has(keyOf(e)))),
    );
    if (unclaimedKeys.length > 0) {
      await tx`
        delete from mesh.send_idempotency
        where (sender_member_id, client_id) in (
          select * from unnest(${unclaimedKeys.map((e) => e.senderMemberId)}::text[],
                               ${unclaimedKeys.map((e) => e.clientId as string)}::text[]))`;
    }
    return results;
  });
}
