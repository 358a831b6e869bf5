import type { Sql } from "@mesh/db";
import { BROADCAST_TARGET, type Priority } from "@mesh/shared";
import { SESSION_KEY_MEMORY_SECONDS } from "../sessions/open-presence.ts";
import { notifyWake } from "./notify-wake.ts";

/** One accepted `send`, ready to be stored. */
export interface EnvelopeToStore {
  messageId: string;
  meshId: string;
  senderMemberId: string;
  /** The sending session's own key, if it has one: pushed as `senderPubkey`. */
  senderSessionPubkey: string | null;
  /** `*`, a member's key, or a session key of the mesh. */
  targetSpec: string;
  priority: Priority;
  nonce: string;
  ciphertext: string;
  clientId: string | null;
  ttlSeconds: number | null;
}

/** How long an accepted (sender, client id) makes a retry a duplicate (docs/protocol.md#idempotent-sends); older keys are free and swept. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

/** What storing one envelope did. */
export type StoredEnvelope =
  | { kind: "queued"; messageId: string; recipientMemberIds: string[] }
  | { kind: "duplicate"; messageId: string }
  | { kind: "unknown_recipient" };

/**
 * Stores a batch of envelopes in one transaction (one commit for many sends):
 * reserves each (sender, client id) — a key accepted in the last 24 h makes
 * the send a duplicate that is answered with the original message id — then
 * fans every envelope out to one queue row per recipient, resolved inside
 * the insert (direct: the member with that pubkey, else the session with
 * that session key — live, or ended within a day — and its member; `*`:
 * every other non-revoked member). A row for a session key names that
 * presence: it takes the row while it lives, its member's next session after. Rows get ids in batch order, so per-sender order
 * holds. A direct send to no member stores nothing and frees its key.
 * Recipients with a session on another instance than `origin` are woken
 * by one notification at commit. Results are in input order; `batch` must
 * not repeat a (sender, client id).
 */
export async function insertEnvelopes(
  sql: Sql,
  batch: readonly EnvelopeToStore[],
  origin: string,
): Promise<StoredEnvelope[]> {
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

    const keyOf = (e: EnvelopeToStore) => `${e.senderMemberId}\u0000${e.clientId}`;
    const toQueue = batch.filter((e) => e.clientId === null || !duplicates.has(keyOf(e)));
    const recipients = new Map<string, string[]>();
    if (toQueue.length > 0) {
      const rows = await tx<{ messageId: string; recipient: string }[]>`
        with u as (
          select * from unnest(
            ${toQueue.map((e) => e.messageId)}::text[], ${toQueue.map((e) => e.meshId)}::text[],
            ${toQueue.map((e) => e.senderMemberId)}::text[], ${toQueue.map((e) => e.senderSessionPubkey)}::text[],
            ${toQueue.map((e) => e.targetSpec)}::text[], ${toQueue.map((e) => e.priority)}::text[],
            ${toQueue.map((e) => e.nonce)}::text[], ${toQueue.map((e) => e.ciphertext)}::text[],
            ${toQueue.map((e) => e.clientId)}::text[], ${toQueue.map((e) => e.ttlSeconds)}::int[]
          ) with ordinality
            as u(message_id, mesh_id, sender, sender_session, target, priority, nonce, ciphertext, client_id, ttl, ord)
        ), recipients as (
          select u.ord, m.id as member_id, null::text as presence_id
          from u
          join mesh.member m on m.mesh_id = u.mesh_id and m.revoked_at is null
            and case when u.target = ${BROADCAST_TARGET} then m.id <> u.sender else m.pubkey = u.target end
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
          ) s
        )
        insert into mesh.message_queue
          (message_id, mesh_id, sender_member_id, recipient_member_id, target_spec, priority, nonce, ciphertext,
           client_id, expires_at, sender_session_pubkey, target_presence_id)
        select u.message_id, u.mesh_id, u.sender, r.member_id, u.target, u.priority, u.nonce, u.ciphertext,
               u.client_id, case when u.ttl is null then null else now() + make_interval(secs => u.ttl) end,
               u.sender_session, r.presence_id
        from u
        join recipients r on r.ord = u.ord
        order by u.ord, r.member_id
        returning message_id as "messageId", recipient_member_id as recipient`;
      for (const r of rows) {
        const list = recipients.get(r.messageId);
        if (list) list.push(r.recipient);
        else recipients.set(r.messageId, [r.recipient]);
      }
      await notifyWake(tx, origin, { memberIds: rows.map((r) => r.recipient) });
    }

    const results = batch.map((e): StoredEnvelope => {
      const original = e.clientId === null ? undefined : duplicates.get(keyOf(e));
      if (original !== undefined) return { kind: "duplicate", messageId: original };
      const to = recipients.get(e.messageId) ?? [];
      if (to.length === 0 && e.targetSpec !== BROADCAST_TARGET) return { kind: "unknown_recipient" };
      return { kind: "queued", messageId: e.messageId, recipientMemberIds: to };
    });
    const unclaimedKeys = batch.filter((e, i) => e.clientId !== null && results[i]?.kind === "unknown_recipient");
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
