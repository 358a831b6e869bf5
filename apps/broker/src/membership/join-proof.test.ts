import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair, joinSigningString, signEd25519 } from "@mesh/shared";
import { checkJoinProof, MAX_JOIN_PROOF_SKEW_MS } from "./join-proof.ts";

const NOW = Date.UTC(2030, 0, 1);
const joiner = generateEd25519KeyPair();
const MESH_ID = "mesh-1";

/** A body whose proof `signer` made over these fields at `timestamp`. */
function proven(signer = joiner, timestamp = NOW, fields: { displayName?: string; meshId?: string } = {}) {
  const body = { invite_token: "token-1", peer_pubkey: joiner.publicKey, display_name: "bob" };
  const signed = joinSigningString({
    meshId: fields.meshId ?? MESH_ID,
    inviteToken: body.invite_token,
    peerPubkey: body.peer_pubkey,
    displayName: fields.displayName ?? body.display_name,
    timestamp,
  });
  return { ...body, proof_signature: signEd25519(signer, signed), proof_timestamp: timestamp };
}

const codeOf = (result: ReturnType<typeof checkJoinProof>) => (result.ok ? result.proof : result.refusal.code);

describe("checkJoinProof", () => {
  test("a proof by the enrolled key over the join signing string is valid, within 60 s either way", () => {
    expect(codeOf(checkJoinProof(proven(), MESH_ID, NOW))).toBe("valid");
    expect(codeOf(checkJoinProof(proven(), MESH_ID, NOW + MAX_JOIN_PROOF_SKEW_MS))).toBe("valid");
    expect(codeOf(checkJoinProof(proven(), MESH_ID, NOW - MAX_JOIN_PROOF_SKEW_MS))).toBe("valid");
  });

  test("no proof at all is absent, for the mesh's profile to judge", () => {
    const { proof_signature: _s, proof_timestamp: _t, ...bare } = proven();
    expect(checkJoinProof(bare, MESH_ID, NOW)).toEqual({ ok: true, proof: "absent" });
  });

  test("half a proof, a stale one, another key's, or one over other fields is join_bad_proof", () => {
    const { proof_signature: _s, ...noSignature } = proven();
    const { proof_timestamp: _t, ...noTimestamp } = proven();
    expect(codeOf(checkJoinProof(noSignature, MESH_ID, NOW))).toBe("join_bad_proof");
    expect(codeOf(checkJoinProof(noTimestamp, MESH_ID, NOW))).toBe("join_bad_proof");
    expect(codeOf(checkJoinProof(proven(), MESH_ID, NOW + MAX_JOIN_PROOF_SKEW_MS + 1))).toBe("join_bad_proof");
    expect(codeOf(checkJoinProof(proven(), MESH_ID, NOW - MAX_JOIN_PROOF_SKEW_MS - 1))).toBe("join_bad_proof");
    // An attacker enrolling the victim's public key signs with its own secret: refused.
    expect(codeOf(checkJoinProof(proven(generateEd25519KeyPair()), MESH_ID, NOW))).toBe("join_bad_proof");
    expect(codeOf(checkJoinProof(proven(joiner, NOW, { displayName: "mallory" }), MESH_ID, NOW))).toBe(
      "join_bad_proof",
    );
    expect(codeOf(checkJoinProof(proven(joiner, NOW, { meshId: "mesh-2" }), MESH_ID, NOW))).toBe("join_bad_proof");
    expect(codeOf(checkJoinProof({ ...proven(), proof_timestamp: NOW + 1 }, MESH_ID, NOW))).toBe("join_bad_proof");
  });
});
