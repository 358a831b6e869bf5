import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The operator credential of the admin API and the live view: a bearer token
 * whose SHA-256 is `ADMIN_TOKEN_SHA256`. Only the digest is kept; a presented
 * token is hashed and compared in constant time, so neither its length nor
 * its first differing byte shows in the timing. Unset, nothing verifies.
 */
export interface OperatorCredential {
  /** False when `ADMIN_TOKEN_SHA256` is unset: broker-wide admin requests are refused outright. */
  readonly configured: boolean;
  verify(token: string): boolean;
}

export function createOperatorCredential(tokenSha256Hex: string | undefined): OperatorCredential {
  const expected = tokenSha256Hex === undefined ? undefined : Buffer.from(tokenSha256Hex, "hex");
  if (expected !== undefined && expected.length !== 32) throw new Error("ADMIN_TOKEN_SHA256 must be 32 bytes in hex");
  return {
    configured: expected !== undefined,
    verify(token) {
      if (expected === undefined) return false;
      return timingSafeEqual(createHash("sha256").update(token, "utf8").digest(), expected);
    },
  };
}
