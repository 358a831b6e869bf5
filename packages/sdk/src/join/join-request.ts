import { type Ed25519KeyPair, type JoinRequest, joinRequest, joinSigningString, signEd25519 } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import type { VerifiedInvite } from "./join-mesh.ts";

/**
 * The body of `POST /join` for `invite` by `identity` under `displayName`,
 * with the proof that `identity` holds its key (docs/protocol.md#join-signing-string),
 * signed at `now` (ms). The name goes out trimmed, as the broker stores and
 * verifies it. A body the broker's own schema would refuse (a name with a
 * control character or a bidirectional override, or out of length) is
 * refused here with `bad_request`, before anything is sent.
 */
export function joinRequestBody(
  invite: Pick<VerifiedInvite, "token" | "payload">,
  identity: Ed25519KeyPair,
  displayName: string,
  now = Date.now(),
): JoinRequest {
  const unsigned = {
    invite_token: invite.token,
    invite_payload: invite.token,
    peer_pubkey: identity.publicKey.toLowerCase(),
    display_name: displayName.trim(),
  };
  const proof = signEd25519(
    identity,
    joinSigningString({
      meshId: invite.payload.mesh_id,
      inviteToken: unsigned.invite_token,
      peerPubkey: unsigned.peer_pubkey,
      displayName: unsigned.display_name,
      timestamp: now,
    }),
  );
  const parsed = joinRequest.safeParse({
    ...unsigned,
    // Checked as given: surrounding control characters are refused, not trimmed away.
    display_name: displayName,
    proof_signature: proof,
    proof_timestamp: now,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MeshError("bad_request", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
