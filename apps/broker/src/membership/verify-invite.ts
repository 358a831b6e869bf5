import {
  decodeInviteLink,
  ErrorCode,
  type InvitePayload,
  inviteExpiresAt,
  invitePayload,
  inviteSigningString,
  verifyEd25519,
} from "@mesh/shared";
import type { JoinProof } from "./join-proof.ts";
import type { JoinState } from "./read-join-state.ts";

/** The HTTP status of each way `POST /join` refuses an invite. */
export const JOIN_REFUSAL_STATUS = {
  /** The payload is not what its owner signed: a malformed request. */
  [ErrorCode.inviteBadSignature]: 400,
  [ErrorCode.meshNotFound]: 404,
  /** Validly signed, but by a key that does not own the mesh. */
  [ErrorCode.inviteOwnerMismatch]: 400,
  [ErrorCode.inviteNotFound]: 404,
  /** The token and the payload describe different invites (mesh or role). */
  [ErrorCode.inviteMeshMismatch]: 400,
  /** Revoked, expired and used up are final states of a real invite: gone. */
  [ErrorCode.inviteRevoked]: 410,
  [ErrorCode.inviteExpired]: 410,
  [ErrorCode.inviteExhausted]: 410,
  /** The key was removed from the mesh; an invite cannot undo that. */
  [ErrorCode.memberRevoked]: 403,
  /** The joiner did not prove it holds the key it enrols: a malformed request for this mesh. */
  [ErrorCode.joinProofRequired]: 400,
  [ErrorCode.joinBadProof]: 400,
  /** The name belongs to another member: a conflict with the mesh's state, not a bad request. */
  [ErrorCode.nameTaken]: 409,
} as const;

/** A code `POST /join` refuses with. */
export type JoinRefusalCode = keyof typeof JOIN_REFUSAL_STATUS;

/** Why a join was refused, for the `{ ok: false }` body. */
export interface JoinRefusal {
  code: JoinRefusalCode;
  message: string;
}

/** A schema-valid invite payload with its expiry as a date. */
export interface ParsedInvite {
  payload: InvitePayload;
  expiresAt: Date;
}

/**
 * Accepts the decoded payload object, a whole `ic://join/…` link or its bare
 * base64url part, and validates it with `invitePayload`. The message of a
 * failure names the offending field.
 */
export function parseInvitePayload(
  raw: string | Record<string, unknown>,
): { ok: true; invite: ParsedInvite } | { ok: false; message: string } {
  const value = typeof raw === "string" ? decodeInviteLink(raw.trim()) : raw;
  if (value === undefined) return { ok: false, message: "invite_payload: not an invite link or its base64url part" };
  const parsed = invitePayload.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ["invite_payload", ...(issue?.path ?? []).map(String)].join(".");
    return { ok: false, message: `${field}: ${issue?.message ?? "invalid"}` };
  }
  const expiresAt = inviteExpiresAt(parsed.data.expires_at);
  if (!expiresAt) return { ok: false, message: "invite_payload.expires_at: not a date" };
  return { ok: true, invite: { payload: parsed.data, expiresAt } };
}

/** Whether the payload carries its `owner_pubkey`'s signature over the canonical string (docs/protocol.md#invite-signing-string). */
export function inviteSignatureValid(payload: InvitePayload): boolean {
  return verifyEd25519(payload.owner_pubkey, inviteSigningString(payload), payload.signature);
}

/** What to do with a join whose signature already verified. */
export type JoinDecision =
  | { kind: "refuse"; refusal: JoinRefusal }
  | { kind: "already_member"; memberId: string }
  | { kind: "consume" };

/**
 * Decides a join against what the database holds, in the documented order:
 * mesh, owner, proof on a `strict` mesh, token, same mesh and role, revoked,
 * expired. A key that is already a member is answered without spending a
 * use, so uses left only matter for a new member: a retry after a one-use
 * invite is idempotent. `proof` comes from `checkJoinProof`, which already
 * refused a bad one.
 */
export function decideJoin(invite: ParsedInvite, state: JoinState, proof: JoinProof): JoinDecision {
  const { payload } = invite;
  const refuse = (code: JoinRefusalCode, message: string): JoinDecision => ({
    kind: "refuse",
    refusal: { code, message },
  });
  const { mesh, invite: row, member } = state;
  if (!mesh || mesh.archived) return refuse(ErrorCode.meshNotFound, "no such mesh");
  if (mesh.ownerPubkey.toLowerCase() !== payload.owner_pubkey) {
    return refuse(ErrorCode.inviteOwnerMismatch, "the invite is not signed by the mesh owner");
  }
  if (mesh.profile === "strict" && proof === "absent") {
    return refuse(
      ErrorCode.joinProofRequired,
      "this mesh requires proof_signature and proof_timestamp: the joiner's signature with the key it enrols",
    );
  }
  if (!row) return refuse(ErrorCode.inviteNotFound, "no invite with this token");
  if (row.meshId !== payload.mesh_id) {
    return refuse(ErrorCode.inviteMeshMismatch, "the invite token belongs to another mesh");
  }
  if (row.role !== payload.role) {
    return refuse(ErrorCode.inviteMeshMismatch, "the invite token was issued for another role");
  }
  if (row.revoked) return refuse(ErrorCode.inviteRevoked, "the invite was revoked");
  const now = state.now.getTime();
  if (row.expiresAt.getTime() <= now || invite.expiresAt.getTime() <= now) {
    return refuse(ErrorCode.inviteExpired, "the invite has expired");
  }
  if (member?.revoked) return refuse(ErrorCode.memberRevoked, "this key was revoked from the mesh");
  if (member) return { kind: "already_member", memberId: member.id };
  if (row.usedCount >= row.maxUses) return refuse(ErrorCode.inviteExhausted, "the invite has no uses left");
  return { kind: "consume" };
}
