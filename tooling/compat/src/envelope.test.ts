import { describe, expect, test } from "bun:test";
import { decodeBase64Text, isDirectTarget, openBox, sealFor } from "./envelope.ts";
import { generateKeys } from "./keys.ts";

const alice = generateKeys();
const bob = generateKeys();

describe("claudemesh envelopes", () => {
  test("a lower-case key gets a crypto_box only the two keys open", () => {
    const sealed = sealFor(bob.publicKey, "hi bob ✓", alice);
    expect(Buffer.from(sealed.nonce, "base64")).toHaveLength(24);
    expect(openBox({ ...sealed, senderPubkey: alice.publicKey }, bob)).toBe("hi bob ✓");
    expect(openBox({ ...sealed, senderPubkey: bob.publicKey }, alice)).toBe("hi bob ✓");
    expect(openBox({ ...sealed, senderPubkey: alice.publicKey }, generateKeys())).toBeUndefined();
    expect(decodeBase64Text(sealed.ciphertext)).toBeUndefined();
  });

  test("anything else goes out as the base64 of the text", () => {
    for (const target of ["*", "@all", "#general", "bob", bob.publicKey.toUpperCase()]) {
      expect(isDirectTarget(target)).toBe(false);
      const sealed = sealFor(target, "to all\tof you", alice);
      expect(sealed.ciphertext).toBe(Buffer.from("to all\tof you").toString("base64"));
      expect(decodeBase64Text(sealed.ciphertext)).toBe("to all\tof you");
      expect(openBox({ ...sealed, senderPubkey: alice.publicKey }, bob)).toBeUndefined();
    }
  });

  test("the text fallback refuses control characters and broken UTF-8", () => {
    expect(decodeBase64Text(Buffer.from("bell\u0007").toString("base64"))).toBeUndefined();
    expect(decodeBase64Text(Buffer.from([0xc3, 0x28]).toString("base64"))).toBeUndefined();
    expect(decodeBase64Text("")).toBeUndefined();
  });
});
