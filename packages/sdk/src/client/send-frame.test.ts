import { describe, expect, test } from "bun:test";
import { type ClientProfile, generateEd25519KeyPair } from "@mesh/shared";
import { EnvelopeCipher } from "../crypto/envelope-cipher.ts";
import { normalizeTarget, sendFrameBuilder, sendFrameFor } from "./send-frame.ts";

const pubkey = "ab".repeat(32);

test("a target is a broadcast or a member's pubkey, in lower case", () => {
  expect(normalizeTarget("*")).toBe("*");
  expect(normalizeTarget(pubkey.toUpperCase())).toBe(pubkey);
  expect(normalizeTarget(pubkey.slice(2))).toBeUndefined();
  expect(normalizeTarget(`${pubkey.slice(2)}zz`)).toBeUndefined();
  expect(normalizeTarget("")).toBeUndefined();
});

test("a send frame defaults to priority next and carries a ttl only when asked", () => {
  const sealed = { nonce: "bm9uY2U=", ciphertext: "Y2lwaGVy" };
  expect(sendFrameFor("*", sealed, "id-1", {})).toEqual({
    type: "send",
    targetSpec: "*",
    priority: "next",
    nonce: sealed.nonce,
    ciphertext: sealed.ciphertext,
    id: "id-1",
  });
  expect(sendFrameFor(pubkey, sealed, "id-2", { priority: "now", ttlSeconds: 60 })).toMatchObject({
    priority: "now",
    ttlSeconds: 60,
  });
});

describe("sendFrameBuilder", () => {
  const rootKey = "root";
  const alice = generateEd25519KeyPair();
  const bob = generateEd25519KeyPair();
  const cipher = new EnvelopeCipher(alice, rootKey);
  const reader = new EnvelopeCipher(bob, rootKey);
  const text = "hello mesh";
  const plain = Buffer.from(text, "utf8").toString("base64");

  function builderFor(target: string) {
    const session: { profile: ClientProfile } = { profile: "strict" };
    let seals = 0;
    const build = sendFrameBuilder({
      target,
      text,
      id: "id-1",
      options: { priority: "now" },
      seal: (t, x, p) => {
        seals += 1;
        return cipher.seal(t, x, p);
      },
      profile: () => session.profile,
    });
    return { build, session, seals: () => seals };
  }

  test("a broadcast follows the session's profile on every write, and never goes plaintext to a strict session", () => {
    const { build, session, seals } = builderFor("*");
    const strict = build();
    expect(strict).toMatchObject({ type: "send", targetSpec: "*", priority: "now", id: "id-1" });
    expect(strict.ciphertext).not.toBe(plain);
    expect(reader.open({ ...strict, senderPubkey: alice.publicKey })).toEqual({ text, encrypted: true });
    expect(build()).toBe(strict);

    session.profile = "claudemesh";
    const claudemesh = build();
    expect(claudemesh).toMatchObject({ id: "id-1", ciphertext: plain });
    expect(build()).toBe(claudemesh);

    session.profile = "strict";
    const again = build();
    expect(again.ciphertext).not.toBe(plain);
    expect(again.id).toBe("id-1");
    expect(reader.open({ ...again, senderPubkey: alice.publicKey })).toEqual({ text, encrypted: true });
    expect(seals()).toBe(3);
  });

  test("a direct envelope is sealed once, crypto_box in either profile", () => {
    const { build, session, seals } = builderFor(bob.publicKey);
    const first = build();
    session.profile = "claudemesh";
    expect(build()).toBe(first);
    expect(seals()).toBe(1);
    expect(first.ciphertext).not.toBe(plain);
    expect(reader.open({ ...first, senderPubkey: alice.publicKey }, "claudemesh")).toEqual({ text, encrypted: true });
  });
});
