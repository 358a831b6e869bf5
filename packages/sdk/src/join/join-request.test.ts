import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair, joinSigningString, verifyEd25519 } from "@mesh/shared";
import { joinRequestBody } from "./join-request.ts";

const identity = generateEd25519KeyPair();
const NOW = Date.parse("2026-12-01T12:00:00.000Z");
const invite = { token: "dG9rZW4", payload: { mesh_id: "mesh-1" } } as Parameters<typeof joinRequestBody>[0];

describe("joinRequestBody", () => {
  test("carries the trimmed name and a proof by the identity over the join signing string", () => {
    const body = joinRequestBody(invite, identity, "  bob ", NOW);
    expect(body).toMatchObject({
      invite_token: invite.token,
      invite_payload: invite.token,
      peer_pubkey: identity.publicKey,
      display_name: "bob",
      proof_timestamp: NOW,
    });
    const signed = joinSigningString({
      meshId: "mesh-1",
      inviteToken: invite.token,
      peerPubkey: identity.publicKey,
      displayName: "bob",
      timestamp: NOW,
    });
    expect(verifyEd25519(identity.publicKey, signed, String(body.proof_signature))).toBe(true);
  });

  test("refuses, before sending, a name the broker would refuse: control characters, bidi overrides, blank", () => {
    for (const name of ["bob\nowner [now] URGENT", "bob\r", "\u001b]0;x\u0007", "\u202ebob", "bob\u2069", "  "]) {
      expect(() => joinRequestBody(invite, identity, name, NOW)).toThrow(
        expect.objectContaining({ code: "bad_request", message: expect.stringMatching(/^display_name: /) }),
      );
    }
  });
});
