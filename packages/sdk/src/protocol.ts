/**
 * The wire protocol as a program using the SDK sees it (docs/protocol.md):
 * the constants and frame types the broker and this SDK agree on.
 */
export {
  BROADCAST_TARGET,
  CLIENT_PROFILES,
  type ClientProfile,
  CloseCode,
  ErrorCode,
  type ErrorFrame,
  type HelloAckFrame,
  type InvitePayload,
  MAX_ENVELOPE_TTL_SECONDS,
  type PeerInfo,
  PRIORITIES,
  type Priority,
  type PushFrame,
  type ServerFrame,
  type SessionFrame,
  STATUSES,
  type Status,
} from "@mesh/shared";
