import { randomBytes } from "node:crypto";

/** crypto_box's nonce and MAC sizes (XSalsa20-Poly1305). */
export const NONCE_BYTES = 24;
export const MAC_BYTES = 16;

/**
 * The bench's nonce: 24 bytes like a real one, unique per envelope, and
 * carrying what the receiver needs to time it: send time (float64 ms on the
 * load generator's `performance.now()` clock), sender index, sequence number,
 * then random bytes.
 */
export function encodeNonce(sentAt: number, sender: number, sequence: number): string {
  const bytes = Buffer.allocUnsafe(NONCE_BYTES);
  bytes.writeDoubleLE(sentAt, 0);
  bytes.writeUInt32LE(sender >>> 0, 8);
  bytes.writeUInt32LE(sequence >>> 0, 12);
  randomBytes(8).copy(bytes, 16);
  return bytes.toString("base64");
}

/** Reads back what {@link encodeNonce} wrote; undefined for a nonce of another shape. */
export function decodeNonce(nonce: string): { sentAt: number; sender: number; sequence: number } | undefined {
  const bytes = Buffer.from(nonce, "base64");
  if (bytes.length !== NONCE_BYTES) return undefined;
  return { sentAt: bytes.readDoubleLE(0), sender: bytes.readUInt32LE(8), sequence: bytes.readUInt32LE(12) };
}

/**
 * Random ciphertexts of crypto_box size (plaintext + 16-byte MAC), base64,
 * made once and reused round-robin so the load generator spends its CPU on
 * the protocol, not on randomness.
 */
export function ciphertextPool(plaintextBytes: number, count = 64): () => string {
  const pool = Array.from({ length: count }, () => randomBytes(plaintextBytes + MAC_BYTES).toString("base64"));
  let next = 0;
  return () => {
    const value = pool[next] as string;
    next = (next + 1) % pool.length;
    return value;
  };
}
