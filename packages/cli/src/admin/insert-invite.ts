import type { Sql } from "@mesh/db";

/** The invite row `POST /join` verifies and consumes (docs/protocol.md#join-endpoint). */
export interface NewInvite {
  token: string;
  meshId: string;
  role: "admin" | "member";
  maxUses: number;
  expiresAt: Date;
  signedPayload: string;
}

/** Inserts an invite row. */
export async function insertInvite(sql: Sql, invite: NewInvite): Promise<void> {
  await sql`
    insert into mesh.invite (token, mesh_id, role, max_uses, expires_at, signed_payload)
    values (${invite.token}, ${invite.meshId}, ${invite.role}, ${invite.maxUses},
            ${invite.expiresAt.toISOString()}, ${invite.signedPayload})`;
}
