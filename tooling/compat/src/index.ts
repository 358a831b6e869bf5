export { brokerOriginUrl } from "./broker-origin.ts";
export {
  ClaudemeshClient,
  type ClaudemeshClientOptions,
  type HelloOutcome,
  SendRefused,
  sendId,
} from "./claudemesh-client.ts";
export { decodeBase64Text, type Envelope, isDirectTarget, openBox, sealFor } from "./envelope.ts";
export { type Frame, FrameSocket, openFrameSockets, type SocketClose } from "./frame-socket.ts";
export {
  ATTESTATION_TTL_MS,
  attestSession,
  type ClaudemeshLine,
  helloTimestamp,
  memberHello,
  type ParentAttestation,
  sessionHello,
} from "./hello-frames.ts";
export { type HookReport, postHookStatus } from "./hook.ts";
export {
  type ClaudemeshInvitePayload,
  canonicalInvite,
  InviteRefused,
  inviteToken,
  type ParsedInvite,
  parseInviteLink,
} from "./invite-link.ts";
export { type ClaudemeshMembership, JoinRefused, postJoin } from "./join.ts";
export {
  type ClaudemeshKeys,
  curvePublicKey,
  curveSecretKey,
  generateKeys,
  signDetached,
  verifyDetached,
} from "./keys.ts";
