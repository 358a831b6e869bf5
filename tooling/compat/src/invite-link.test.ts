import { describe, expect, test } from "bun:test";
import { canonicalInvite, InviteRefused, inviteToken, parseInviteLink } from "./invite-link.ts";
import { generateKeys, signDetached } from "./keys.ts";

const owner = generateKeys();
const NOW_MS = Date.UTC(2030, 0, 1);

/** A link signed by `owner` over `fields` (the signature over the string as the payload writes it). */
function linkOf(fields: Record<string, unknown>, signedOver: Record<string, unknown> = fields): string {
  const payload = {
    v: 1,
    mesh_id: "m-1",
    mesh_slug: "demo",
    broker_url: "ws://127.0.0.1:7900/ws",
    expires_at: NOW_MS / 1000 + 3600,
    mesh_root_key: "cm9vdA",
    role: "member",
    owner_pubkey: owner.publicKey,
    ...fields,
  };
  const signed = { ...payload, ...signedOver } as Parameters<typeof canonicalInvite>[0];
  const token = Buffer.from(JSON.stringify({ ...payload, signature: signDetached(owner, canonicalInvite(signed)) }));
  return `ic://join/${token.toString("base64url")}`;
}

const refusal = (link: string): string => {
  try {
    parseInviteLink(link, NOW_MS);
  } catch (e: unknown) {
    if (e instanceof InviteRefused) return e.reason;
    throw e;
  }
  return "accepted";
};

describe("parseInviteLink, as claudemesh clients parse", () => {
  test("takes an integer of unix seconds, signed as its decimal digits", () => {
    const parsed = parseInviteLink(linkOf({}), NOW_MS);
    expect(parsed.payload).toMatchObject({ mesh_id: "m-1", expires_at: NOW_MS / 1000 + 3600, role: "member" });
    expect(parsed.token).toBe(inviteToken(linkOf({})));
  });

  test("refuses expires_at in any other form, signed or not", () => {
    expect(refusal(linkOf({ expires_at: new Date(NOW_MS + 3_600_000).toISOString() }))).toBe("bad_payload");
    expect(refusal(linkOf({ expires_at: String(NOW_MS / 1000 + 3600) }))).toBe("bad_payload");
    expect(refusal(linkOf({ expires_at: NOW_MS / 1000 + 0.5 }))).toBe("bad_payload");
    expect(refusal(linkOf({ expires_at: 0 }))).toBe("bad_payload");
  });

  test("an expiry before this second is expired; this very second is not", () => {
    expect(refusal(linkOf({ expires_at: NOW_MS / 1000 - 1 }))).toBe("expired");
    expect(refusal(linkOf({ expires_at: NOW_MS / 1000 }))).toBe("accepted");
  });

  test("verifies the owner's signature over the fields exactly as written", () => {
    expect(refusal(linkOf({ role: "admin" }, { role: "member" }))).toBe("bad_signature");
    // Signed over the lower-case key but written in upper case: claudemesh checks the string as written.
    const upper = owner.publicKey.toUpperCase();
    expect(refusal(linkOf({ owner_pubkey: upper }, { owner_pubkey: owner.publicKey }))).toBe("bad_signature");
    expect(refusal(linkOf({ owner_pubkey: upper }))).toBe("accepted");
  });

  test("reads ic://, https:// and bare tokens, and nothing else", () => {
    const token = inviteToken(linkOf({}));
    expect(inviteToken(` ic://join/${token}/ `)).toBe(token);
    expect(inviteToken(`https://example.test/join/${token}`)).toBe(token);
    expect(inviteToken(`https://example.test/fr/join/${token}/`)).toBe(token);
    expect(inviteToken(token)).toBe(token);
    expect(() => inviteToken("ic://join/")).toThrow(InviteRefused);
    expect(() => inviteToken("short")).toThrow(InviteRefused);
  });
});
