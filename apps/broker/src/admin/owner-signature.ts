import { ADMIN_REQUEST_HEADERS, adminRequestSigningString, ErrorCode, verifyEd25519 } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";

/** How far an owner-signed request's timestamp may be from the broker's clock, either way. */
export const MAX_ADMIN_SKEW_MS = 60_000;

/** A request an owner signed, as far as it can be checked without the database. */
export interface OwnerSignature {
  /** The signing key, lower-case hex. */
  ownerKey: string;
  timestamp: number;
}

/** What the signature covers, besides the timestamp. */
export interface SignedRequest {
  method: string;
  /** The path and query string exactly as the request line carried them. */
  pathAndQuery: string;
  /** Lower-case hex SHA-256 of the body bytes received. */
  bodySha256: string;
}

const KEY = /^[0-9a-fA-F]{64}$/;
const SIGNATURE = /^[0-9a-fA-F]{128}$/;
const TIMESTAMP = /^\d{1,16}$/;

/** Whether the request carries an owner key: then it is judged as owner-signed, whatever else it holds. */
export function isOwnerSigned(headers: Headers): boolean {
  return headers.has(ADMIN_REQUEST_HEADERS.ownerKey);
}

/**
 * Checks an owner-signed request's headers (docs/admin-api.md#checks-in-order,
 * steps 5–7): well-formed (`admin_unauthorized`), within 60 s of `nowMs`
 * (`admin_clock_skew`), and signed by the key it names over the admin request
 * signing string (`admin_bad_signature`). Whether that key owns the mesh, and
 * whether the request was seen before, need the database.
 */
export function checkOwnerSignature(headers: Headers, request: SignedRequest, nowMs: number): OwnerSignature {
  const key = headers.get(ADMIN_REQUEST_HEADERS.ownerKey)?.trim() ?? "";
  const stamp = headers.get(ADMIN_REQUEST_HEADERS.timestamp)?.trim() ?? "";
  const signature = headers.get(ADMIN_REQUEST_HEADERS.signature)?.trim() ?? "";
  if (!KEY.test(key) || !TIMESTAMP.test(stamp) || !SIGNATURE.test(signature)) {
    throw new BrokerError(
      ErrorCode.adminUnauthorized,
      401,
      "an owner-signed request needs X-Mesh-Owner-Key (64 hex), X-Mesh-Timestamp (milliseconds) and X-Mesh-Signature (128 hex)",
    );
  }
  const timestamp = Number(stamp);
  if (Math.abs(nowMs - timestamp) > MAX_ADMIN_SKEW_MS) {
    throw new BrokerError(
      ErrorCode.adminClockSkew,
      401,
      `X-Mesh-Timestamp is more than ${MAX_ADMIN_SKEW_MS / 1000} s from the broker's clock; sign the request again`,
    );
  }
  const ownerKey = key.toLowerCase();
  const signed = adminRequestSigningString({ ...request, timestamp });
  if (!verifyEd25519(ownerKey, signed, signature)) {
    throw new BrokerError(
      ErrorCode.adminBadSignature,
      401,
      "X-Mesh-Signature does not verify over mesh-admin-v1|method|path and query|body sha256|timestamp",
    );
  }
  return { ownerKey, timestamp };
}
