import type { Sql } from "@mesh/db";

/**
 * Records an accepted owner-signed request by (signing key, timestamp);
 * false when that pair was recorded before, by any instance: a replay.
 */
export async function recordAdminRequest(
  sql: Sql,
  signature: { ownerKey: string; timestamp: number },
): Promise<boolean> {
  const rows = await sql`
    insert into mesh.admin_request_seen (signer_pubkey, request_timestamp)
    values (${signature.ownerKey}, ${signature.timestamp})
    on conflict do nothing
    returning 1`;
  return rows.length === 1;
}
