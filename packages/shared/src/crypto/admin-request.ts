import { createHash } from "node:crypto";
import { adminRequestSigningString } from "./canonical.ts";
import { type Ed25519KeyPair, signEd25519 } from "./ed25519.ts";

/** The headers of an owner-signed admin request (docs/admin-api.md#mesh-owner), lower case as fetch reads them. */
export const ADMIN_REQUEST_HEADERS = {
  ownerKey: "x-mesh-owner-key",
  timestamp: "x-mesh-timestamp",
  signature: "x-mesh-signature",
} as const;

/** The three headers that sign one admin request (a type alias, so it passes as a `Record<string, string>`). */
export type AdminRequestHeaders = {
  "x-mesh-owner-key": string;
  "x-mesh-timestamp": string;
  "x-mesh-signature": string;
};

/** Lower-case hex SHA-256 of `bytes` (a string is hashed as its UTF-8 bytes). */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

let lastAdminTimestamp = 0;

/**
 * Now in milliseconds, but always after the last timestamp this process
 * gave: the broker accepts one request per (owner key, timestamp).
 */
export function nextAdminTimestamp(): number {
  lastAdminTimestamp = Math.max(Date.now(), lastAdminTimestamp + 1);
  return lastAdminTimestamp;
}

/**
 * Signs an admin request with the mesh owner's keys: the headers to send
 * with `method` to `pathAndQuery` (exactly as the request line will carry it)
 * with exactly `body` (empty when there is none). `nowMs` defaults to
 * {@link nextAdminTimestamp}.
 */
export function signAdminRequest(
  owner: Ed25519KeyPair,
  method: string,
  pathAndQuery: string,
  body: Uint8Array | string = "",
  nowMs: number = nextAdminTimestamp(),
): AdminRequestHeaders {
  const signingString = adminRequestSigningString({
    method,
    pathAndQuery,
    bodySha256: sha256Hex(body),
    timestamp: nowMs,
  });
  return {
    "x-mesh-owner-key": owner.publicKey.toLowerCase(),
    "x-mesh-timestamp": String(nowMs),
    "x-mesh-signature": signEd25519(owner, signingString),
  };
}

/**
 * An invite's id in the admin API (docs/admin-api.md#invite-ids): the first
 * 16 hex digits of the SHA-256 of its token, so lists can name an invite
 * without showing the token that lets anyone join.
 */
export function adminInviteId(token: string): string {
  return sha256Hex(token).slice(0, 16);
}
