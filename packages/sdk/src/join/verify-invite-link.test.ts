import { describe, expect, test } from "bun:test";
import { encodeInviteLink, generateEd25519KeyPair, inviteSigningString, signEd25519 } from "@mesh/shared";
import { signInvite } from "../admin/sign-invite.ts";
import { verifyInviteLink } from "./join-mesh.ts";

const owner = generateEd25519KeyPair();
const now = Date.parse("2026-12-01T12:00:00.000Z");
const terms = {
  meshId: "m1",
  slug: "team",
  brokerUrl: "ws://127.0.0.1:7900/ws",
  rootKey: "r".repeat(43),
  role: "member" as const,
  expiresAt: new Date(now + 3600_000),
};

/** A link as `mesh admin invite` printed it before expiries became unix seconds. */
function isoLink(expiresAt: Date): string {
  const unsigned = {
    v: 1 as const,
    mesh_id: terms.meshId,
    mesh_slug: terms.slug,
    broker_url: terms.brokerUrl,
    expires_at: expiresAt.toISOString(),
    mesh_root_key: terms.rootKey,
    role: terms.role,
    owner_pubkey: owner.publicKey,
  };
  return encodeInviteLink({ ...unsigned, signature: signEd25519(owner, inviteSigningString(unsigned)) });
}

describe("verifyInviteLink", () => {
  test("reads today's links: expires_at in unix seconds", () => {
    const { link } = signInvite(owner, terms);
    expect(verifyInviteLink(link, now).expiresAt.toISOString()).toBe("2026-12-01T13:00:00.000Z");
    expect(() => verifyInviteLink(link, now + 3600_000)).toThrow("expired");
  });

  test("still reads links issued with an ISO 8601 expiry, and their expiry still holds", () => {
    const link = isoLink(new Date(now + 60_000));
    expect(verifyInviteLink(link, now).expiresAt.toISOString()).toBe("2026-12-01T12:01:00.000Z");
    expect(() => verifyInviteLink(link, now + 60_000)).toThrow("expired");
  });
});
