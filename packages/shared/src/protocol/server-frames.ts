import { z } from "zod";
import { priority, requestId, status } from "./primitives.ts";

/** Features this broker supports, announced in `hello_ack`. */
export const BROKER_FEATURES = ["ack"] as const;

/*
 * The broker builds these frames; clients parse them. The schemas accept
 * unknown extra fields and unknown error codes, so an older client keeps
 * working against a newer broker.
 */

const reqId = { _reqId: requestId.optional() };

/** The answer to a valid hello. */
export const helloAckFrame = z.object({
  type: z.literal("hello_ack"),
  presenceId: z.string(),
  memberDisplayName: z.string(),
  /** Bearer token that scopes this session's hook POSTs to it alone. */
  hookToken: z.string(),
  features: z.array(z.string()),
  ...reqId,
});
export type HelloAckFrame = z.infer<typeof helloAckFrame>;

/** Sent after an envelope is committed to Postgres. */
export const ackFrame = z.object({
  type: z.literal("ack"),
  id: z.string().nullable(),
  messageId: z.string(),
  /** Always true: the envelope is stored and will be delivered by status. */
  queued: z.boolean(),
  /** Queue rows created: 1 for a direct send, the other members for a broadcast. */
  recipients: z.number().int(),
  /** True when this answers a retry of an already accepted `id`. */
  duplicate: z.boolean().optional(),
  ...reqId,
});
export type AckFrame = z.infer<typeof ackFrame>;

/** An envelope delivered to a session. */
export const pushFrame = z.object({
  type: z.literal("push"),
  messageId: z.string(),
  /** The recipient's own queue row; `client_ack` names it. */
  brokerMessageId: z.string(),
  meshId: z.string(),
  senderPubkey: z.string(),
  priority,
  nonce: z.string(),
  ciphertext: z.string(),
  /** ISO 8601. */
  createdAt: z.string(),
});
export type PushFrame = z.infer<typeof pushFrame>;

/** One live session of the mesh. */
export const peerInfo = z.object({
  pubkey: z.string(),
  displayName: z.string(),
  status,
  sessionId: z.string(),
  cwd: z.string().nullable(),
  /** ISO 8601. */
  connectedAt: z.string(),
});
export type PeerInfo = z.infer<typeof peerInfo>;

/** The answer to `list_peers`. */
export const peersListFrame = z.object({
  type: z.literal("peers_list"),
  peers: z.array(peerInfo),
  ...reqId,
});
export type PeersListFrame = z.infer<typeof peersListFrame>;

/** The session's status after `set_status` or `heartbeat`, or after a hook or sweeper changed it. */
export const statusFrame = z.object({
  type: z.literal("status"),
  status,
  source: z.string(),
  ...reqId,
});
export type StatusFrame = z.infer<typeof statusFrame>;

/** A refusal or failure with a stable code (one of `ErrorCode`, or a newer one). */
export const errorFrame = z.object({
  type: z.literal("error"),
  code: z.string(),
  message: z.string(),
  /** The `id` of the send this answers, when it answers one. */
  id: z.string().optional(),
  ...reqId,
});
export type ErrorFrame = z.infer<typeof errorFrame>;

/** Every frame the broker sends, told apart by `type`. */
export const serverFrame = z.discriminatedUnion("type", [
  helloAckFrame,
  ackFrame,
  pushFrame,
  peersListFrame,
  statusFrame,
  errorFrame,
]);
export type ServerFrame = z.infer<typeof serverFrame>;
