import { z } from "zod";
import { base64, cwd, identifier, pid, priority, publicKeyHex, requestId, signatureHex, status } from "./primitives.ts";

/** `targetSpec` of a broadcast: every other member of the mesh. */
export const BROADCAST_TARGET = "*";

/** Longest envelope lifetime a sender may ask for: 30 days. */
export const MAX_ENVELOPE_TTL_SECONDS = 30 * 24 * 3600;

/** The first frame of every session (claudemesh v0.1 fields plus optional `features`). */
export const helloFrame = z.object({
  type: z.literal("hello"),
  meshId: identifier,
  memberId: identifier,
  pubkey: publicKeyHex,
  sessionId: identifier,
  pid: pid.nullish(),
  cwd: cwd.nullish(),
  /** Milliseconds since the epoch, signed with the rest. */
  timestamp: z.number().int().nonnegative(),
  signature: signatureHex,
  features: z.array(z.string().max(64)).max(32).optional(),
  _reqId: requestId.optional(),
});
export type HelloFrame = z.infer<typeof helloFrame>;

/** An encrypted envelope for one member (`targetSpec` = pubkey) or everyone else (`*`). */
export const sendFrame = z.object({
  type: z.literal("send"),
  targetSpec: z.union([z.literal(BROADCAST_TARGET), publicKeyHex]),
  priority,
  nonce: base64,
  ciphertext: base64,
  /** The client's correlation id; a retry with the same id is never queued twice. */
  id: identifier.optional(),
  /** Optional lifetime: an envelope not delivered within it is never pushed. */
  ttlSeconds: z.number().int().positive().max(MAX_ENVELOPE_TTL_SECONDS).optional(),
  _reqId: requestId.optional(),
});
export type SendFrame = z.infer<typeof sendFrame>;

/** A manual status override by the agent itself. */
export const setStatusFrame = z.object({
  type: z.literal("set_status"),
  status,
  _reqId: requestId.optional(),
});
export type SetStatusFrame = z.infer<typeof setStatusFrame>;

/** Asks for the mesh's live sessions. */
export const listPeersFrame = z.object({
  type: z.literal("list_peers"),
  _reqId: requestId.optional(),
});

/** Keep-alive, optionally carrying a status the agent inferred itself (lowest rank). */
export const heartbeatFrame = z.object({
  type: z.literal("heartbeat"),
  status: status.optional(),
  _reqId: requestId.optional(),
});
export type HeartbeatFrame = z.infer<typeof heartbeatFrame>;

/** Confirms a pushed envelope (sessions that announced the `ack` feature). */
export const clientAckFrame = z.object({
  type: z.literal("client_ack"),
  brokerMessageId: z.union([z.string().regex(/^\d{1,19}$/), z.number().int().positive()]).transform(String),
  _reqId: requestId.optional(),
});
export type ClientAckFrame = z.infer<typeof clientAckFrame>;

/** Every frame a client may send after `hello`, by `type`. */
export const sessionFrameSchemas = {
  send: sendFrame,
  set_status: setStatusFrame,
  list_peers: listPeersFrame,
  heartbeat: heartbeatFrame,
  client_ack: clientAckFrame,
} as const;

/** The `type` of a frame valid after `hello`. */
export type SessionFrameType = keyof typeof sessionFrameSchemas;
/** A parsed frame of an authenticated session. */
export type SessionFrame = { [K in SessionFrameType]: z.infer<(typeof sessionFrameSchemas)[K]> }[SessionFrameType];
