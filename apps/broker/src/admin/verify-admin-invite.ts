import { ErrorCode } from "@mesh/shared";
import { inviteSignatureValid, type ParsedInvite, parseInvitePayload } from "../membership/verify-invite.ts";
import { BrokerError } from "../server/broker-error.ts";
import type { AdminMesh } from "./find-admin-mesh.ts";

/**
 * Checks a link an owner signed before it is stored for `mesh`
 * (docs/admin-api.md#post-adminmeshessluginvites): it decodes to a valid
 * payload that has not expired, verifies against its `owner_pubkey`, that
 * key owns the mesh, and it names this mesh, slug and root key, so `/join`
 * will accept it. Returns the parsed invite, or throws the refusal.
 */
export function verifyAdminInvite(link: string, mesh: AdminMesh, nowMs: number): ParsedInvite {
  const parsed = parseInvitePayload(link);
  if (!parsed.ok) throw new BrokerError(ErrorCode.badRequest, 400, parsed.message.replace("invite_payload", "link"));
  const { invite } = parsed;
  const { payload } = invite;
  if (invite.expiresAt.getTime() <= nowMs) {
    throw new BrokerError(ErrorCode.badRequest, 400, "link.expires_at: the invite has already expired");
  }
  if (!inviteSignatureValid(payload)) {
    throw new BrokerError(ErrorCode.inviteBadSignature, 400, "the invite signature does not verify");
  }
  if (payload.owner_pubkey !== mesh.ownerPubkey) {
    throw new BrokerError(ErrorCode.inviteOwnerMismatch, 400, "the invite is not signed by the mesh owner");
  }
  const mismatch =
    payload.mesh_id !== mesh.id
      ? "mesh_id"
      : payload.mesh_slug !== mesh.slug
        ? "mesh_slug"
        : payload.mesh_root_key !== mesh.rootKey
          ? "mesh_root_key"
          : undefined;
  if (mismatch !== undefined) {
    throw new BrokerError(ErrorCode.inviteMeshMismatch, 400, `the invite's ${mismatch} is not this mesh's`);
  }
  return invite;
}
