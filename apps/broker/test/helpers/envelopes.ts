import type { Sql } from "@mesh/db";
import type { Priority } from "@mesh/shared";
import type { EnvelopeToStore } from "../../src/delivery/insert-envelopes.ts";
import type { TestMember } from "./mesh-fixtures.ts";

/** A send of `sender`'s, as the broker hands it to `insertEnvelopes`: to a member's key, or a broadcast. */
export function envelopeFor(
  sender: TestMember,
  to: TestMember | "*",
  overrides: Partial<EnvelopeToStore> = {},
): EnvelopeToStore {
  return {
    messageId: crypto.randomUUID(),
    meshId: sender.meshId,
    senderMemberId: sender.id,
    senderMemberPubkey: sender.keys.publicKey,
    senderSessionPubkey: null,
    targetSpec: to === "*" ? "*" : to.keys.publicKey,
    priority: "now",
    nonce: "AAAA",
    ciphertext: "AAAA",
    clientId: crypto.randomUUID(),
    ttlSeconds: null,
    skipRecipientIds: [],
    ...overrides,
  };
}

/** A queue row written straight into the database, behind every broker's back (no NOTIFY), with its envelope row. */
export interface DirectQueueRow {
  messageId: string;
  from: TestMember;
  to: TestMember;
  /** `next` unless given. */
  priority?: Priority;
  nonce?: string;
  ciphertext?: string;
  /** How long ago it was stored (a Postgres interval); now unless given. */
  storedAgo?: string;
  /** How long ago it was delivered (a Postgres interval); undelivered unless given. */
  deliveredAgo?: string;
  /** Leased to this presence for this long (a Postgres interval). */
  lease?: { presenceId: string; for: string };
}

/**
 * Inserts queue rows directly, as an older broker or another instance left
 * them: one `envelope` row each (what it carries; kept as the migration keeps
 * a body without an expiry, a year after it was stored), then its recipient
 * row naming it, without an expiry. Message ids must be distinct. Returns the
 * queue rows' ids, in input order.
 */
export async function insertQueueRows(sql: Sql, rows: readonly DirectQueueRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await sql<{ id: string; messageId: string }[]>`
    with u as (
      select * from unnest(
        ${rows.map((r) => r.messageId)}::text[], ${rows.map((r) => r.to.meshId)}::text[],
        ${rows.map((r) => r.from.id)}::text[], ${rows.map((r) => r.to.id)}::text[],
        ${rows.map((r) => r.to.keys.publicKey)}::text[], ${rows.map((r) => r.priority ?? "next")}::text[],
        ${rows.map((r) => r.nonce ?? "AAAA")}::text[], ${rows.map((r) => r.ciphertext ?? "AAAA")}::text[],
        ${rows.map((r) => r.storedAgo ?? "0 seconds")}::interval[],
        ${rows.map((r) => r.deliveredAgo ?? null)}::interval[],
        ${rows.map((r) => r.lease?.presenceId ?? null)}::text[], ${rows.map((r) => r.lease?.for ?? null)}::interval[]
      ) with ordinality
        as u(message_id, mesh_id, sender, recipient, target, priority, nonce, ciphertext, stored_ago, delivered_ago,
             lease_presence_id, lease_for, ord)
    ), bodies as (
      insert into mesh.envelope
        (message_id, mesh_id, sender_member_id, target_spec, nonce, ciphertext, created_at, keep_until)
      select u.message_id, u.mesh_id, u.sender, u.target, u.nonce, u.ciphertext, now() - u.stored_ago,
             now() - u.stored_ago + interval '8760 hours'
      from u order by u.ord
      returning id, message_id
    )
    insert into mesh.message_queue
      (message_id, mesh_id, sender_member_id, recipient_member_id, envelope_id, priority, created_at, delivered_at,
       lease_presence_id, lease_expires_at)
    select u.message_id, u.mesh_id, u.sender, u.recipient, b.id, u.priority, now() - u.stored_ago,
           now() - u.delivered_ago, u.lease_presence_id, now() + u.lease_for
    from u join bodies b on b.message_id = u.message_id
    order by u.ord
    returning id::text as id, message_id as "messageId"`;
  const ids = new Map(inserted.map((r) => [r.messageId, r.id]));
  return rows.map((r) => ids.get(r.messageId) ?? "");
}
