export { CloseCode } from "./close-codes.ts";
export {
  ADMIN_REQUEST_HEADERS,
  type AdminRequestHeaders,
  adminInviteId,
  nextAdminTimestamp,
  sha256Hex,
  signAdminRequest,
} from "./crypto/admin-request.ts";
export {
  adminRequestSigningString,
  helloSigningString,
  type InviteSignedFields,
  inviteSigningString,
  joinSigningString,
  nextHelloTimestamp,
  sessionAttestationSigningString,
  sessionHelloSigningString,
} from "./crypto/canonical.ts";
export { type Ed25519KeyPair, generateEd25519KeyPair, signEd25519, verifyEd25519 } from "./crypto/ed25519.ts";
export { ErrorCode } from "./error-codes.ts";
export * from "./protocol/admin.ts";
export * from "./protocol/client-frames.ts";
export * from "./protocol/http.ts";
export * from "./protocol/ignored-frames.ts";
export * from "./protocol/primitives.ts";
export * from "./protocol/server-frames.ts";
export { toError } from "./to-error.ts";
