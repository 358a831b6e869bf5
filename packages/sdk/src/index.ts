export * from "./admin/index.ts";
export { httpBaseUrl } from "./broker-http.ts";
export { type BackoffOptions, backoffDelay } from "./client/backoff.ts";
export type { MessageHandler, ReceivedMessage } from "./client/inbox.ts";
export {
  MeshClient,
  type MeshClientEvents,
  type MeshClientOptions,
  type SendOptions,
  type SendResult,
} from "./client/mesh-client.ts";
export type { SocketFactory, SocketLike } from "./client/websocket.ts";
export { EnvelopeCipher, type OpenedEnvelope, type SealedEnvelope } from "./crypto/envelope-cipher.ts";
export { decodePlaintextBroadcast, encodePlaintextBroadcast } from "./crypto/plaintext-broadcast.ts";
export { x25519PublicKey, x25519SecretKey } from "./crypto/x25519-keys.ts";
export type { Membership } from "./home/membership-store.ts";
export { MeshHome, resolveMeshHome } from "./home/mesh-home.ts";
export type { SessionRecord } from "./home/session-store.ts";
export { type JoinResult, joinMesh, type VerifiedInvite, verifyInviteLink } from "./join/join-mesh.ts";
export {
  type BrokerErrorCode,
  ClientErrorCode,
  isBrokerErrorCode,
  MeshError,
  type MeshErrorCode,
} from "./mesh-error.ts";
export * from "./protocol.ts";
