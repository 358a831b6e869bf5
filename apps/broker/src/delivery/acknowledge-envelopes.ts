import type { Sql } from "@mesh/db";

/** One `client_ack`: the queue row it names and the member that sent it. */
export interface EnvelopeAck {
  rowId: string;
  recipientMemberId: string;
}

/** Postgres bigint's upper bound: a larger id can name no row (and would fail the whole batch's cast). */
const MAX_ROW_ID = 9_223_372_036_854_775_807n;

/** The key {@link acknowledgeEnvelopes} reports a matched ack under. */
export function ackKey(a: EnvelopeAck): string {
  return `${a.rowId}\u0000${a.recipientMemberId}`;
}

/**
 * Many `client_ack`s in one statement (one commit): marks each named row
 * delivered when it belongs to the member that acknowledged it and ends its
 * lease. Returns the {@link ackKey}s that matched; an ack of a row that is
 * not the member's is absent. Acknowledging twice is harmless.
 */
export async function acknowledgeEnvelopes(sql: Sql, acks: readonly EnvelopeAck[]): Promise<Set<string>> {
  const valid = acks.filter((a) => /^\d{1,19}$/.test(a.rowId) && BigInt(a.rowId) <= MAX_ROW_ID);
  if (valid.length === 0) return new Set();
  const rows = await sql<{ id: string; member: string }[]>`
    update mesh.message_queue q
    set delivered_at = coalesce(q.delivered_at, now()), lease_presence_id = null, lease_expires_at = null
    from unnest(${valid.map((a) => a.rowId)}::bigint[], ${valid.map((a) => a.recipientMemberId)}::text[])
      as a(id, member_id)
    where q.id = a.id and q.recipient_member_id = a.member_id
    returning q.id::text as id, q.recipient_member_id as member`;
  return new Set(rows.map((r) => ackKey({ rowId: r.id, recipientMemberId: r.member })));
}
