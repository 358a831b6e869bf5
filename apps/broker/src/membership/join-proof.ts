import { ErrorCode, type JoinRequest, joinSigningString, verifyEd25519 } from "@mesh/shared";
import { MAX_HELLO_SKEW_MS } from "../sessions/hello-checks.ts";
import type { JoinRefusal } from "./verify-invite.ts";

/** How far a join proof's timestamp may be from the broker's clock: the hello's window. */
export const MAX_JOIN_PROOF_SKEW_MS = MAX_HELLO_SKEW_MS;

/** A join that proved it holds `peer_pubkey`, or one that did not try (which only a `strict` mesh refuses). */
export type JoinProof = "valid" | "absent";

/**
 * Checks the proof of possession a join may carry (docs/protocol.md#join-signing-string):
 * both fields or neither, the timestamp within the window of `now`, the
 * signature by `peer_pubkey` over the join signing string. Needs no
 * database, so a bad proof is refused on every mesh before anything is read.
 */
export function checkJoinProof(
  body: Pick<JoinRequest, "invite_token" | "peer_pubkey" | "display_name" | "proof_signature" | "proof_timestamp">,
  meshId: string,
  now: number,
): { ok: true; proof: JoinProof } | { ok: false; refusal: JoinRefusal } {
  const refuse = (message: string) => ({ ok: false as const, refusal: { code: ErrorCode.joinBadProof, message } });
  const { proof_signature: signature, proof_timestamp: timestamp } = body;
  if (signature === undefined && timestamp === undefined) return { ok: true, proof: "absent" };
  if (signature === undefined || timestamp === undefined) {
    return refuse("proof_signature and proof_timestamp go together");
  }
  if (Math.abs(now - timestamp) > MAX_JOIN_PROOF_SKEW_MS) {
    return refuse("proof_timestamp is more than 60 s from the broker's clock");
  }
  const signed = joinSigningString({
    meshId,
    inviteToken: body.invite_token,
    peerPubkey: body.peer_pubkey,
    displayName: body.display_name,
    timestamp,
  });
  if (!verifyEd25519(body.peer_pubkey, signed, signature)) {
    return refuse("proof_signature does not verify against peer_pubkey");
  }
  return { ok: true, proof: "valid" };
}
