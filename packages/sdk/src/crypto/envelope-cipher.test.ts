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
    expect(forBob.open({ ...sealed, senderPubkey: alice.publicKey })).toEqual({ text: "hello bob ✓", encrypted: true });
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
    expect(forBob.open({ ...sealed, senderPubkey: alice.publicKey })?.text).toBe("to everyone");
    expect(forCarol.open({ ...sealed, senderPubkey: alice.publicKey })?.text).toBe("to everyone");
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

  describe("client profiles", () => {
    const text = "to everyone, in the clear";
    const base64Text = Buffer.from(text, "utf8").toString("base64");

    test("claudemesh: a broadcast goes out as base64 text with a 24-byte placeholder nonce", () => {
      const sent = forAlice.seal("*", text, "claudemesh");
      expect(sent.ciphertext).toBe(base64Text);
      expect(Buffer.from(sent.nonce, "base64")).toHaveLength(24);
      expect(forBob.open({ ...sent, senderPubkey: alice.publicKey }, "claudemesh")).toEqual({ text, encrypted: false });
    });

    test("claudemesh: a broadcast sealed with the mesh key (an older SDK) still opens, as encrypted", () => {
      const sealed = forAlice.seal("*", text);
      expect(sealed.ciphertext).not.toBe(base64Text);
      expect(forBob.open({ ...sealed, senderPubkey: alice.publicKey }, "claudemesh")).toEqual({
        text,
        encrypted: true,
      });
    });

    test("claudemesh: direct envelopes stay crypto_box, for their recipient only", () => {
      const sealed = forAlice.seal(bob.publicKey, "only bob", "claudemesh");
      expect(Buffer.from(sealed.ciphertext, "base64").includes(Buffer.from("only bob"))).toBe(false);
      expect(forBob.open({ ...sealed, senderPubkey: alice.publicKey }, "claudemesh")).toEqual({
        text: "only bob",
        encrypted: true,
      });
      // Sealed bytes are not text: the other member does not read them as plaintext either.
      expect(forCarol.open({ ...sealed, senderPubkey: alice.publicKey }, "claudemesh")).toBeUndefined();
    });

    test("claudemesh: base64 that is not clean text is undecryptable, not shown", () => {
      for (const ciphertext of [
        Buffer.from([0xc3, 0x28]).toString("base64"),
        Buffer.from("beep\u0007", "utf8").toString("base64"),
      ]) {
        const envelope = {
          nonce: forAlice.seal("*", "x", "claudemesh").nonce,
          ciphertext,
          senderPubkey: alice.publicKey,
        };
        expect(forBob.open(envelope, "claudemesh")).toBeUndefined();
      }
    });

    test("strict: a broadcast is sealed, and a plaintext one never opens, whatever its nonce", () => {
      const sealed = forAlice.seal("*", text, "strict");
      expect(Buffer.from(sealed.ciphertext, "base64").includes(Buffer.from(text))).toBe(false);
      const plaintext = forAlice.seal("*", text, "claudemesh");
      expect(forBob.open({ ...plaintext, senderPubkey: alice.publicKey }, "strict")).toBeUndefined();
      expect(forBob.open({ ...plaintext, senderPubkey: alice.publicKey })).toBeUndefined();
      expect(
        forBob.open({ nonce: "", ciphertext: base64Text, senderPubkey: alice.publicKey }, "strict"),
      ).toBeUndefined();
    });
  });
});
