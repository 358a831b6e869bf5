import type { Sql } from "@mesh/db";
import { BROADCAST_TARGET, type Priority } from "@mesh/shared";
import { SESSION_KEY_MEMORY_SECONDS } from "../sessions/open-presence.ts";
import type { ClaimedEnvelope } from "./claim-deliverable.ts";
import type { LeaseCandidate } from "./lease-candidates.ts";
import { wakeNotifications } from "./notify-wake.ts";
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
 * Stores a batch of envelopes in one statement (one round trip and one
 * commit for many sends; atomic on its own, so no transaction around it).
 * In the statement's snapshot: a send whose sender was revoked or whose
 * mesh was archived stores nothing (`sender_ended`); every other envelope
 * is stored once (its `envelope` row, carrying the key) and fans out to one
 * slim queue row per recipient, resolved inside the insert (direct: the
 * member with that pubkey, else the session with that session key — live,
 * or ended within a day — and its member; `*`: every other non-revoked
 * member but those it skips). A row for a session key names that presence:
 * it takes the row while it lives, its member's next session after. Rows
 * get ids in batch order, so per-sender order holds. Each row expires after
 * its `ttlSeconds`, and at the latest after `maxAgeSeconds`. Given
 * `budgetOf`, an envelope whose rows would take its mesh or its sender past
 * its budget (in batch order, every envelope's rows counted first) stores
 * nothing (`queue_full`; its rows still count against the envelopes after
 * it). A broadcast that left out everyone it could reach stores nothing
 * either (`queue_full`). Only an envelope that is stored takes its key, so
 * a refused send leaves none behind. A (sender, client id) an envelope of
 * the last 24 h holds makes the send a duplicate, answered with the
 * original message id after the commit: found by the insert's unique index
 * (also when a concurrent transaction took it after the snapshot), or
 * looked up for a keyed send refused as `queue_full`. A key held by an
 * envelope older than the window is released and the send stored again. A
 * retry that would now be refused otherwise (its sender ended, its
 * recipient gone) gets that refusal. Given `leaseLocal`, a row for a member with a
 * candidate session here (`candidatesOf`: by this instance's view of its
 * status, as a drain's claim would take it) that takes the row's priority,
 * with nothing unleased it could take waiting, is stored already leased to
 * that session (counted as pushed once): the caller pushes it after the
 * commit, with no claim in between ({@link StoredEnvelope} `leased`). A row
 * whose lease ran out unacked does not hold newer rows back: it is
 * redelivered by the next drain. Recipients of the other rows with a
 * session on another instance than `origin` are woken by one notification
 * at commit. Results are in input order; `batch` must not repeat a
 * (sender, client id).
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
  if (batch.length === 0) return [];
  const budgets = options.budgetOf ? batch.map(options.budgetOf) : undefined;
  // The sessions here rows may be leased to at insert, by (envelope, member): one each at most.
  const candidates = leaseLocal
    ? batch.flatMap((e, i) => leaseLocal.candidatesOf(e).map((c) => ({ ord: i + 1, c })))
    : [];
  const window = sql`make_interval(secs => ${IDEMPOTENCY_WINDOW_SECONDS})`;
  type Row = {
    kind: "stored" | "ended" | "over" | "raced" | "woken";
    id: string | null;
    messageId: string | null;
    recipient: string | null;
    leasedTo: string | null;
    createdAt: Date | null;
    targetPresenceId: string | null;
    xid: string | null;
    detail: string | null;
  };
  const rows = await sql<Row[]>`
    with u as (
      select * from unnest(
        ${batch.map((e) => e.messageId)}::text[], ${batch.map((e) => e.meshId)}::text[],
        ${batch.map((e) => e.senderMemberId)}::text[], ${batch.map((e) => e.senderSessionPubkey)}::text[],
        ${batch.map((e) => e.targetSpec)}::text[], ${batch.map((e) => e.priority)}::text[],
        ${batch.map((e) => e.nonce)}::text[], ${batch.map((e) => e.ciphertext)}::text[],
        ${batch.map((e) => e.clientId)}::text[], ${batch.map((e) => e.ttlSeconds)}::int[],
        ${batch.map((e) => (e.skipRecipientIds.length > 0 ? e.skipRecipientIds.join(",") : null))}::text[],
        ${batch.map((_, i) => budgets?.[i]?.mesh ?? null)}::int[],
        ${batch.map((_, i) => budgets?.[i]?.sender ?? null)}::int[]
      ) with ordinality
        as u(message_id, mesh_id, sender, sender_session, target, priority, nonce, ciphertext, client_id, ttl,
             skip, mesh_budget, sender_budget, ord)
    ), ended as (
      -- A revocation commits before its session is closed: what it sends meanwhile is refused, never acked.
      select s.id, case when s.revoked_at is not null then 'member_revoked' else 'mesh_archived' end as reason
      from mesh.member s join mesh.mesh x on x.id = s.mesh_id
      where s.id in (select sender from u) and (s.revoked_at is not null or x.archived_at is not null)
    ), live as (
      -- Its rows expire after its ttl, at the latest after the max age; its body is kept as long.
      select u.*, now() + make_interval(secs => least(coalesce(u.ttl, ${maxAgeSeconds}), ${maxAgeSeconds})) as expires_at
      from u
      where not exists (select 1 from ended e where e.id = u.sender)
    ), recipients as (
      -- A member's key (by the unique (mesh, pubkey) index), then a broadcast's members: two branches, so the
      -- direct send never walks its mesh's members.
      select l.ord, m.id as member_id, null::text as presence_id
      from live l
      join mesh.member m on m.mesh_id = l.mesh_id and m.pubkey = l.target and m.revoked_at is null
      where l.target <> ${BROADCAST_TARGET}
      union all
      select l.ord, m.id, null::text
      from live l
      join mesh.member m on m.mesh_id = l.mesh_id and m.revoked_at is null
        and m.id <> l.sender and (l.skip is null or m.id <> all(string_to_array(l.skip, ',')))
      where l.target = ${BROADCAST_TARGET}
      union all
      -- Not a member's key: a session key, its live session first, else the one that ended last.
      select l.ord, s.member_id, s.id
      from (select * from live
            where live.target <> ${BROADCAST_TARGET}
              and not exists (select 1 from mesh.member k
                              where k.mesh_id = live.mesh_id and k.pubkey = live.target and k.revoked_at is null)) l
      cross join lateral (
        select p.id, p.member_id
        from mesh.presence p
        join mesh.member m on m.id = p.member_id and m.revoked_at is null
        where p.mesh_id = l.mesh_id and p.session_pubkey = l.target
          and (p.disconnected_at is null
               or p.disconnected_at > now() - make_interval(secs => ${SESSION_KEY_MEMORY_SECONDS}))
        order by p.disconnected_at is null desc, p.connected_at desc
        limit 1
      ) s
    ), fanout as (
      -- Each envelope's rows against its mesh's and its sender's budget, in batch order (no budget: never over;
      -- a batch far from every bound skips the running sums).
      select l.ord, coalesce(f.n, 0) as n, ${
        budgets
          ? sql`coalesce(sum(coalesce(f.n, 0)) over (partition by l.mesh_id order by l.ord) > l.mesh_budget, false)
                  as over_mesh,
                coalesce(sum(coalesce(f.n, 0)) over (partition by l.sender order by l.ord) > l.sender_budget, false)
                  as over_sender`
          : sql`false as over_mesh, false as over_sender`
      }
      from live l
      left join (select r.ord, count(*) as n from recipients r group by r.ord) f on f.ord = l.ord
    ), accepted as (
      select l.* from live l join fanout f on f.ord = l.ord
      where not f.over_mesh and not f.over_sender
        and (f.n > 0 or (l.target = ${BROADCAST_TARGET} and l.skip is null))
    ), bodies as (
      -- What each envelope carries, stored once; only what is stored takes its key (a taken key: 'raced').
      insert into mesh.envelope
        (message_id, mesh_id, sender_member_id, sender_session_pubkey, target_spec, nonce, ciphertext, client_id,
         keep_until)
      select a.message_id, a.mesh_id, a.sender, a.sender_session, a.target, a.nonce, a.ciphertext, a.client_id,
             -- Its rows can be pushed until they expire; its key is remembered for the window.
             greatest(a.expires_at, case when a.client_id is not null then now() + ${window} end)
      from accepted a
      order by a.ord
      on conflict (sender_member_id, client_id) where client_id is not null do nothing
      returning id, message_id
    ), stored_envelopes as (
      select a.*, b.id as envelope_id from accepted a join bodies b on b.message_id = a.message_id
    ), cands as (
      select distinct on (c.ord, c.member_id) c.ord, c.member_id, c.presence_id,
             string_to_array(c.priorities, ',') as priorities
      from unnest(
        ${candidates.map((x) => x.ord)}::int[], ${candidates.map((x) => x.c.memberId)}::text[],
        ${candidates.map((x) => x.c.presenceId)}::text[], ${candidates.map((x) => x.c.priorities.join(","))}::text[]
      ) as c(ord, member_id, presence_id, priorities)
    ), stored as (
      insert into mesh.message_queue
        (message_id, mesh_id, sender_member_id, recipient_member_id, envelope_id, priority, expires_at,
         target_presence_id, lease_presence_id, lease_expires_at, attempts)
      select l.message_id, l.mesh_id, l.sender, l.member_id, l.envelope_id, l.priority, l.expires_at,
             l.presence_id, l.lease_to,
             case when l.lease_to is not null then now() + make_interval(secs => ${leaseLocal?.leaseSeconds ?? 0}) end,
             case when l.lease_to is not null then 1 else 0 end
      from (
        select a.message_id, a.mesh_id, a.sender, r.member_id, a.envelope_id, a.priority,
               a.expires_at,
               r.presence_id,
               -- Leased at insert: a session here takes it now, and nothing unleased it could take is waiting
               -- (the partial index of waiting rows).
               case when c.presence_id is not null and not exists (
                 select 1 from mesh.message_queue o
                 where o.recipient_member_id = r.member_id and o.delivered_at is null and o.lease_presence_id is null
                   and o.priority = any(c.priorities)
                   and (o.expires_at is null or o.expires_at > now()))
               then c.presence_id end as lease_to,
               a.ord
        from stored_envelopes a
        join recipients r on r.ord = a.ord
        left join cands c on c.ord = a.ord and c.member_id = r.member_id
          and (r.presence_id is null or c.presence_id = r.presence_id) and a.priority = any(c.priorities)
      ) l
      order by l.ord, l.member_id
      returning id, message_id, recipient_member_id, lease_presence_id, created_at, target_presence_id
    ), woken as (
      -- Recipients of rows left to a drain, with a session on another instance: woken at commit.
      ${wakeNotifications(sql, origin, { memberIds: sql`select recipient_member_id from stored where lease_presence_id is null` })}
    )
    select 'stored' as kind, s.id::text as id, s.message_id as "messageId", s.recipient_member_id as recipient,
           s.lease_presence_id as "leasedTo", s.created_at as "createdAt", s.target_presence_id as "targetPresenceId",
           pg_current_xact_id()::text as xid, null::text as detail
    from stored s
    union all
    select 'ended', null, u.message_id, null, null, null, null, null, e.reason from u join ended e on e.id = u.sender
    union all
    select 'over', null, l.message_id, null, null, null, null, null,
           case when f.over_mesh then 'mesh' else 'sender' end
    from fanout f join live l on l.ord = f.ord
    where f.over_mesh or f.over_sender
    union all
    select 'raced', null, a.message_id, null, null, null, null, null, null
    from accepted a where a.client_id is not null and not exists (select 1 from stored_envelopes s where s.ord = a.ord)
    union all
    select 'woken', null, null, null, null, null, null, null, count(*)::text from woken`;

  const byMessageId = new Map(batch.map((e) => [e.messageId, e]));
  const recipients = new Map<string, string[]>();
  const leased = new Map<string, ClaimedEnvelope[]>();
  // Answers other than a plain store: refusals, duplicates, and stale-key sends stored again.
  const answers = new Map<string, StoredEnvelope>();
  const raced: EnvelopeToStore[] = [];
  const overKeyed: EnvelopeToStore[] = [];
  let xid = 0;
  for (const r of rows) {
    if (r.kind === "woken" || r.messageId === null) continue;
    if (r.kind === "ended") {
      answers.set(r.messageId, { kind: "sender_ended", reason: r.detail as "member_revoked" | "mesh_archived" });
    } else if (r.kind === "over") {
      answers.set(r.messageId, { kind: "queue_full", limit: r.detail as "mesh" | "sender" });
      const e = byMessageId.get(r.messageId);
      if (e?.clientId) overKeyed.push(e);
    } else if (r.kind === "raced") {
      const e = byMessageId.get(r.messageId);
      if (e) raced.push(e);
    } else if (r.recipient !== null) {
      xid = Number(r.xid);
      const list = recipients.get(r.messageId);
      if (list) list.push(r.recipient);
      else recipients.set(r.messageId, [r.recipient]);
      const e = byMessageId.get(r.messageId);
      if (r.leasedTo === null || !e || r.id === null || r.createdAt === null) continue;
      const pushes = leased.get(r.messageId) ?? [];
      pushes.push({
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
      leased.set(r.messageId, pushes);
    }
  }
  // A key found taken is a retry of a send stored before (within the window: a duplicate, answered with the
  // original id), or a key held by an envelope older than the window (free: released, and the send stored
  // again). A keyed send refused for the queue bounds may be such a retry too: its original is looked up the
  // same way. Both are rare (a retry after a reconnect), so the common send pays no probe of its own: the
  // insert's unique index is the only lookup.
  if (raced.length + overKeyed.length > 0) {
    const keyed = [...raced, ...overKeyed];
    const stale: EnvelopeToStore[] = [];
    for (const o of await sql<{ sender: string; clientId: string; messageId: string; stale: boolean }[]>`
      select sender_member_id as sender, client_id as "clientId", message_id as "messageId",
             created_at < now() - ${window} as stale
      from mesh.envelope
      where (sender_member_id, client_id) in (
        select * from unnest(${keyed.map((e) => e.senderMemberId)}::text[], ${keyed.map((e) => e.clientId as string)}::text[]))`) {
      const e = keyed.find((x) => x.senderMemberId === o.sender && x.clientId === o.clientId);
      if (!e) continue;
      if (!o.stale) answers.set(e.messageId, { kind: "duplicate", messageId: o.messageId });
      else if (raced.includes(e)) stale.push(e);
    }
    if (stale.length > 0) {
      await sql`
        update mesh.envelope set client_id = null
        where (sender_member_id, client_id) in (
          select * from unnest(${stale.map((e) => e.senderMemberId)}::text[], ${stale.map((e) => e.clientId as string)}::text[]))
          and created_at < now() - ${window}`;
      const again = await insertEnvelopes(sql, stale, options);
      for (const [i, e] of stale.entries()) answers.set(e.messageId, again[i] as StoredEnvelope);
    }
    // Its key was there at the insert and gone a moment later (swept): no answer is true; the sender retries.
    if (raced.some((e) => !answers.has(e.messageId))) throw new Error("a send's idempotency key vanished under it");
  }

  return batch.map((e): StoredEnvelope => {
    const answer = answers.get(e.messageId);
    if (answer !== undefined) return answer;
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
}
