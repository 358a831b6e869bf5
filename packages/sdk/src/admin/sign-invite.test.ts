import { describe, expect, test } from "bun:test";
import {
  decodeInviteLink,
  generateEd25519KeyPair,
  inviteExpiresAt,
  invitePayload,
  inviteSigningString,
  verifyEd25519,
} from "@mesh/shared";
import { signInvite } from "./sign-invite.ts";

const owner = generateEd25519KeyPair();
const terms = {
  meshId: "3f1c2d9e-0000-4000-8000-000000000001",
  slug: "team",
  brokerUrl: "ws://127.0.0.1:7900/ws",
  rootKey: "r".repeat(43),
  role: "member" as const,
  expiresAt: new Date("2026-11-24T12:00:00.000Z"),
};

describe("signInvite", () => {
  test("the link decodes to a schema-valid payload signed by the owner", () => {
    const invite = signInvite(owner, terms);
    expect(invite.link.startsWith("ic://join/")).toBe(true);
    const decoded = invitePayload.parse(decodeInviteLink(invite.link));
    expect(decoded).toEqual(invite.payload);
    expect(decoded).toMatchObject({
      v: 1,
      mesh_id: terms.meshId,
      mesh_slug: "team",
      broker_url: terms.brokerUrl,
      expires_at: Math.floor(Date.parse("2026-11-24T12:00:00.000Z") / 1000),
      mesh_root_key: terms.rootKey,
      role: "member",
      owner_pubkey: owner.publicKey,
    });
    expect(verifyEd25519(owner.publicKey, inviteSigningString(decoded), decoded.signature)).toBe(true);
    expect(inviteExpiresAt(decoded.expires_at)?.toISOString()).toBe("2026-11-24T12:00:00.000Z");
  });

  test("expires_at is an integer of unix seconds, in the payload and in the signed string", () => {
    const invite = signInvite(owner, { ...terms, expiresAt: new Date("2026-11-24T12:00:00.999Z") });
    expect(invite.payload.expires_at).toBe(1_795_521_600);
    expect(invite.signedPayload.split("|")[4]).toBe("1795521600");
    expect(JSON.parse(Buffer.from(invite.token, "base64url").toString("utf8")).expires_at).toBe(1_795_521_600);
  });

  test("the token is the link's base64url part and signed_payload the canonical string", () => {
    const invite = signInvite(owner, { ...terms, role: "admin" });
    expect(invite.link).toBe(`ic://join/${invite.token}`);
    expect(invite.token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(invite.signedPayload).toBe(inviteSigningString(invite.payload));
    expect(invite.signedPayload.split("|")).toHaveLength(8);
  });

  test("another key's signature does not verify against the owner", () => {
    const invite = signInvite(generateEd25519KeyPair(), terms);
    expect(verifyEd25519(owner.publicKey, invite.signedPayload, invite.payload.signature)).toBe(false);
  });
});
