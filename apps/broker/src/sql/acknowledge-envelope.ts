import type { Sql } from "@mesh/db";

/**
 * A `client_ack`: marks the recipient's row delivered. "unknown" when the
 * row is not this member's; acknowledging twice is harmless.
 */
export async function acknowledgeEnvelope(
  sql: Sql,
  rowId: string,
  recipientMemberId: string,
): Promise<"acknowledged" | "unknown"> {
  const [row] = await sql<{ id: string }[]>`
    with acked as (
      update mesh.message_queue
      set delivered_at = coalesce(delivered_at, now()), lease_presence_id = null, lease_expires_at = null
      where id = ${rowId}::bigint and recipient_member_id = ${recipientMemberId}
      returning id
    )
    select id::text from acked`;
  return row ? "acknowledged" : "unknown";
}
