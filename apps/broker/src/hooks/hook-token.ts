import { createHash, randomBytes } from "node:crypto";

/** SHA-256 (hex) of a hook token: what the presence row stores. */
export function hashHookToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A fresh 256-bit hook token (base64url) and its hash. */
export function newHookToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashHookToken(token) };
}
