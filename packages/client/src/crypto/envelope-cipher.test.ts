import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair } from "@mesh/shared";
import nacl from "tweetnacl";
import { EnvelopeCipher } from "./envelope-cipher.ts";
import { x25519PublicKey, x25519SecretKey } from "./x25519-keys.ts";

const rootKey = "mesh-root-key-for-tests";

describe("EnvelopeCipher", () => {
  const alice = generateEd25519KeyPair();
  const bob = generateEd25519KeyPair();
  const carol = generateEd25519KeyPair();
  const forAlice = new EnvelopeCipher(alice, rootKey);
  const forBob = new EnvelopeCipher(bob, rootKey);
  const forCarol = new EnvelopeCipher(carol, rootKey);

  test("a direct envelope opens for its recipient only, and never carries the plaintext", () => {
    const sealed = forAlice.seal(bob.publicKey, "hello bob ✓");
    expect(Buffer.from(sealed.ciphertext, "base64").includes(Buffer.from("hello bob"))).toBe(false);
    expect(forBob.open({ ...sealed, senderPubkey: alice.publicKey })).toBe("hello bob ✓");
    expect(forCarol.open({ ...sealed, senderPubkey: alice.publicKey })).toBeUndefined();
    expect(forBob.open({ ...sealed, senderPubkey: carol.publicKey })).toBeUndefined();
  });

  test("is NaCl crypto_box: tweetnacl's box with the converted keys opens it", () => {
    const sealed = forAlice.seal(bob.publicKey, "interop");
    const opened = nacl.box.open(
      Buffer.from(sealed.ciphertext, "base64"),
      Buffer.from(sealed.nonce, "base64"),
      x25519PublicKey(alice.publicKey),
      x25519SecretKey(bob.secretKey),
    );
    expect(opened && Buffer.from(opened).toString("utf8")).toBe("interop");
    // The converted keys are a real X25519 pair.
    expect(Buffer.from(nacl.scalarMult.base(x25519SecretKey(bob.secretKey))).toString("hex")).toBe(
      Buffer.from(x25519PublicKey(bob.publicKey)).toString("hex"),
    );
  });

  test("a broadcast opens for every member holding the mesh root key, not for another mesh", () => {
    const sealed = forAlice.seal("*", "to everyone");
    expect(forBob.open({ ...sealed, senderPubkey: alice.publicKey })).toBe("to everyone");
    expect(forCarol.open({ ...sealed, senderPubkey: alice.publicKey })).toBe("to everyone");
    const outsider = new EnvelopeCipher(carol, "another mesh");
    expect(outsider.open({ ...sealed, senderPubkey: alice.publicKey })).toBeUndefined();
  });

  test("tampered or malformed envelopes do not open", () => {
    const sealed = forAlice.seal(bob.publicKey, "x");
    const flipped = Buffer.from(sealed.ciphertext, "base64");
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(forBob.open({ ...sealed, ciphertext: flipped.toString("base64"), senderPubkey: alice.publicKey })).toBe(
      undefined,
    );
    expect(forBob.open({ nonce: "AAAA", ciphertext: sealed.ciphertext, senderPubkey: alice.publicKey })).toBe(
      undefined,
    );
    expect(forBob.open({ ...sealed, senderPubkey: "not-a-key" })).toBeUndefined();
  });
});
