import type { Sql } from "@mesh/db";
import { adminInviteId, ErrorCode } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";
import type { AdminActor } from "./admin-actor.ts";
import { writeAdminAudit } from "./write-audit.ts";

/** SQLSTATE unique_violation: the token (the link) is stored already. */
const UNIQUE_VIOLATION = "23505";

/** An invite as the admin API shows it (docs/admin-api.md#an-invite): never its token. */
export interface InviteView {
  id: string;
  role: string;
  maxUses: number;
  usedCount: number;
  expiresAt: Date;
  expired: boolean;
  revoked: boolean;
  revokedAt: Date | null;
  createdAt: Date;
}

interface InviteRow extends Omit<InviteView, "id"> {
  token: string;
}

/** The mesh's invites, newest first, each with its id; the tokens stay here. */
export async function readInvites(sql: Sql, meshId: string): Promise<(InviteView & { token: string })[]> {
  const rows = await sql<InviteRow[]>`
    select token, role, max_uses as "maxUses", used_count as "usedCount", expires_at as "expiresAt",
           expires_at <= now() as expired, revoked_at is not null as revoked, revoked_at as "revokedAt",
           created_at as "createdAt"
    from mesh.invite where mesh_id = ${meshId}
    order by created_at desc, token`;
  return rows.map((row) => ({ id: adminInviteId(row.token), ...row }));
}

/** Strips the token off an invite before it is shown. */
export function inviteView({ token: _token, ...view }: InviteView & { token: string }): InviteView {
  return view;
}

/**
 * Stores a verified invite as `/join` looks for it (the token is the link's
 * base64url part, role and expiry the signed payload's) with its
 * `invite_created` audit row. A token stored already is 409 `invite_exists`.
 */
export async function insertAdminInvite(
  sql: Sql,
  invite: { token: string; meshId: string; role: string; maxUses: number; expiresAt: Date; signedPayload: string },
  actor: AdminActor,
): Promise<void> {
  const id = adminInviteId(invite.token);
  try {
    await sql.begin(async (tx) => {
      await tx`
        insert into mesh.invite (token, mesh_id, role, max_uses, expires_at, signed_payload)
        values (${invite.token}, ${invite.meshId}, ${invite.role}, ${invite.maxUses},
                ${invite.expiresAt.toISOString()}, ${invite.signedPayload})`;
      await writeAdminAudit(tx, {
        event: "invite_created",
        meshId: invite.meshId,
        actor,
        target: id,
        detail: { role: invite.role, max_uses: invite.maxUses, expires_at: invite.expiresAt.toISOString() },
      });
    });
  } catch (e: unknown) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) {
      throw new BrokerError(ErrorCode.inviteExists, 409, "this invite link is stored already");
    }
    throw e;
  }
}

/** Revokes the invite `token` of the mesh with its `invite_revoked` audit row; false when it already was. */
export async function revokeInvite(
  sql: Sql,
  invite: { meshId: string; token: string },
  actor: AdminActor,
): Promise<boolean> {
  return sql.begin(async (tx) => {
    const changed = await tx`
      update mesh.invite set revoked_at = now()
      where token = ${invite.token} and mesh_id = ${invite.meshId} and revoked_at is null`;
    if (changed.count === 0) return false;
    await writeAdminAudit(tx, {
      event: "invite_revoked",
      meshId: invite.meshId,
      actor,
      target: adminInviteId(invite.token),
    });
    return true;
  });
}
