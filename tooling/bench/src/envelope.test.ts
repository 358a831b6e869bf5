import { describe, expect, test } from "bun:test";
import { ciphertextPool, decodeNonce, encodeNonce, MAC_BYTES, NONCE_BYTES } from "./envelope.ts";

describe("bench nonce", () => {
  test("is 24 bytes of base64 and round-trips time, sender and sequence", () => {
    const nonce = encodeNonce(12345.678, 42, 4_000_000_000);
    expect(Buffer.from(nonce, "base64").length).toBe(NONCE_BYTES);
    expect(decodeNonce(nonce)).toEqual({ sentAt: 12345.678, sender: 42, sequence: 4_000_000_000 });
  });

  test("two nonces with the same fields still differ", () => {
    expect(encodeNonce(1, 1, 1)).not.toBe(encodeNonce(1, 1, 1));
  });

  test("a nonce of another length is not ours", () => {
    expect(decodeNonce(Buffer.alloc(12).toString("base64"))).toBeUndefined();
  });
});

describe("ciphertextPool", () => {
  test("plaintext plus MAC bytes, cycling through the pool", () => {
    const next = ciphertextPool(256, 2);
    const a = next();
    const b = next();
    expect(Buffer.from(a, "base64").length).toBe(256 + MAC_BYTES);
    expect(a).not.toBe(b);
    expect(next()).toBe(a);
  });
});
