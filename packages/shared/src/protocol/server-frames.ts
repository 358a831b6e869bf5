import { z } from "zod";
import { clientProfile, priority, requestId, status } from "./primitives.ts";

/** Features this broker supports, announced in `hello_ack`. */
export const BROKER_FEATURES = ["ack"] as const;

/*
 * The broker builds these frames; clients parse them. The schemas accept
 * unknown extra fields and unknown error codes, so an older client keeps
 * working against a newer broker.
 */

const reqId = { _reqId: requestId.optional() };

/** The answer to a valid hello. */
export const helloAckFrame = z
  .object({
    type: z.literal("hello_ack"),
    presenceId: z.string().describe("This session's presence id."),
    memberDisplayName: z.string(),
    hookToken: z.string().describe("Bearer token that scopes this session's hook POSTs to it alone."),
    features: z.array(z.string()).describe("The features this broker supports, whatever the hello asked for."),
    profile: clientProfile
      .optional()
      .describe("The mesh's client profile; a broker that does not send it runs every mesh as strict."),
    notice: z
      .string()
      .optional()
      .describe("A warning to show the agent's operator, e.g. that broadcasts in this mesh are not encrypted."),
    ...reqId,
  })
  .describe("The answer to a valid hello; the session is open.");
export type HelloAckFrame = z.infer<typeof helloAckFrame>;

/** Sent after an envelope is committed to Postgres. */
export const ackFrame = z
  .object({
    type: z.literal("ack"),
    id: z.string().nullable().describe("The send's `id`, or null when it had none."),
    messageId: z.string().describe("The envelope's id; a broadcast has one for all its recipients."),
    queued: z.boolean().describe("Always true: the envelope is stored and will be delivered by status."),
    recipients: z
      .number()
      .int()
      .describe("Queue rows created: 1 for a direct send, the other members for a broadcast, 0 for a duplicate."),
    duplicate: z.boolean().optional().describe("True when this answers a retry of an already accepted `id`."),
    ...reqId,
  })
  .describe("Sent once a send is committed to Postgres (or found to be a retry of one).");
export type AckFrame = z.infer<typeof ackFrame>;

/** An envelope delivered to a session. */
export const pushFrame = z
  .object({
    type: z.literal("push"),
    messageId: z.string().describe("The envelope's id, as the sender's `ack` gave it."),
    brokerMessageId: z.string().describe("The recipient's own queue row (digits); `client_ack` names it."),
    meshId: z.string(),
    senderPubkey: z
      .string()
      .describe(
        "The key that sealed the envelope, lower-case hex: the sending session's own key when it had one, else its member key.",
      ),
    senderMemberPubkey: z
      .string()
      .optional()
      .describe("The sending member's key, lower-case hex (always sent by this broker; absent from older ones)."),
    priority,
    nonce: z.string(),
    ciphertext: z.string(),
    createdAt: z.string().describe("When the broker stored the envelope, ISO 8601 in UTC."),
  })
  .describe("An envelope delivered to a session.");
export type PushFrame = z.infer<typeof pushFrame>;

/** One live session of the mesh. */
export const peerInfo = z
  .object({
    pubkey: z
      .string()
      .describe("The key to address this session by: its session key when it has one, else its member key."),
    memberPubkey: z.string().describe("The member's own key."),
    displayName: z.string(),
    status,
    summary: z.string().nullable().describe("What the session said it is doing (`set_summary`), or null."),
    sessionId: z.string(),
    cwd: z.string().nullable(),
    connectedAt: z.string().describe("ISO 8601 in UTC."),
    self: z.boolean().describe("True for the session that asked."),
  })
  .describe("One live session of the mesh.");
export type PeerInfo = z.infer<typeof peerInfo>;

/** The answer to `list_peers`. */
export const peersListFrame = z
  .object({
    type: z.literal("peers_list"),
    peers: z
      .array(peerInfo)
      .describe("Every live session of the mesh, oldest first, the asking one included (`self`)."),
    ...reqId,
  })
  .describe("The answer to `list_peers`.");
export type PeersListFrame = z.infer<typeof peersListFrame>;

/**
 * The session's status: the answer to `set_status` or `heartbeat`, and pushed
 * unprompted (no `_reqId`) when a hook, the TTL sweep or another instance
 * changes it.
 */
export const statusFrame = z
  .object({
    type: z.literal("status"),
    status,
    source: z.string().describe("Who set the status: hook, manual or heartbeat."),
    ...reqId,
  })
  .describe(
    "The session's status as the broker holds it: the answer to `set_status` or `heartbeat`, or pushed without `_reqId` when a hook, the TTL sweep or another instance changed it.",
  );
export type StatusFrame = z.infer<typeof statusFrame>;

/** A refusal or failure with a stable code (one of `ErrorCode`, or a newer one). */
export const errorFrame = z
  .object({
    type: z.literal("error"),
    code: z.string().describe("A stable error code; clients branch on it."),
    message: z.string().describe("Text for people; may change."),
    id: z.string().optional().describe("The `id` of the frame this answers, when it had a string one."),
    ...reqId,
  })
  .describe("A refusal or failure with a stable code.");
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
