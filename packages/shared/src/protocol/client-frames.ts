import { z } from "zod";
import {
  base64,
  cwd,
  identifier,
  pid,
  priority,
  publicKeyHex,
  requestId,
  sessionPubkeyHex,
  signatureHex,
  status,
} from "./primitives.ts";

/** `targetSpec` of a broadcast: every other member of the mesh. */
export const BROADCAST_TARGET = "*";
/** claudemesh's other spelling of a broadcast. */
export const BROADCAST_ALIAS = "@all";
/** The longest attestation a member may give a session key: 24 hours. */
export const MAX_ATTESTATION_TTL_MS = 24 * 60 * 60 * 1000;

/** Longest envelope lifetime a sender may ask for: 30 days. */
export const MAX_ENVELOPE_TTL_SECONDS = 30 * 24 * 3600;

/** The first frame of every session (claudemesh v0.1 fields plus optional `features`). */
export const helloFrame = z
  .object({
    type: z.literal("hello"),
    meshId: identifier.describe("The mesh this session joins."),
    memberId: identifier.describe("The member id the broker gave at /join."),
    pubkey: publicKeyHex,
    sessionId: identifier.describe("The agent's own session id, shown to peers."),
    pid: pid.nullish(),
    cwd: cwd.nullish(),
    timestamp: z
      .number()
      .int()
      .nonnegative()
      .describe("Milliseconds since the epoch; within 60 s of the broker's clock and never reused by this member."),
    signature: signatureHex.describe(
      "ed25519 over the UTF-8 of meshId|memberId|pubkey|timestamp, with pubkey in lower case.",
    ),
    features: z
      .array(z.string().max(64))
      .max(32)
      .optional()
      .describe('Optional protocol features the client wants; "ack" asks for at-least-once delivery.'),
    sessionPubkey: sessionPubkeyHex
      .optional()
      .describe(
        "claudemesh 1.x: the session's own key, which seals its direct messages and may be addressed. Not covered by the signature.",
      ),
    _reqId: requestId.optional(),
  })
  .describe("The first frame of every session: who the agent is, signed with its key.");
export type HelloFrame = z.infer<typeof helloFrame>;

/** A member's signature vouching for one session key until `expiresAt`. */
export const parentAttestation = z
  .object({
    sessionPubkey: sessionPubkeyHex,
    parentMemberPubkey: sessionPubkeyHex,
    expiresAt: z.number().int().positive().describe("Milliseconds since the epoch; at most 24 h ahead."),
    signature: signatureHex.describe(
      "ed25519 by the member's key over claudemesh-session-attest|parentMemberPubkey|sessionPubkey|expiresAt.",
    ),
  })
  .describe("The parent member's signature vouching for a session key.");

/**
 * The first frame of a per-launch session (claudemesh 1.30+): the session's
 * own key, vouched for by its member, signs the hello.
 */
export const sessionHelloFrame = z
  .object({
    type: z.literal("session_hello"),
    meshId: identifier,
    parentMemberId: identifier.optional().describe("When given, it must be the member the key belongs to."),
    parentMemberPubkey: sessionPubkeyHex.describe("The member's ed25519 key, 64 lower-case hex characters."),
    sessionPubkey: sessionPubkeyHex,
    parentAttestation,
    sessionId: identifier,
    pid: pid.nullish(),
    cwd: cwd.nullish(),
    displayName: z.string().max(200).optional().describe("Accepted for compatibility; the member's name is shown."),
    timestamp: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Milliseconds since the epoch; within 60 s of the broker's clock and never reused by this session key.",
      ),
    signature: signatureHex.describe(
      "ed25519 by the session key over claudemesh-session-hello|meshId|parentMemberPubkey|sessionPubkey|timestamp.",
    ),
    features: z.array(z.string().max(64)).max(32).optional(),
    _reqId: requestId.optional(),
  })
  .describe("The first frame of a per-launch session: signed by the session's own key, vouched for by its member.");
export type SessionHelloFrame = z.infer<typeof sessionHelloFrame>;

/** An encrypted envelope for one member (`targetSpec` = pubkey) or everyone else (`*`). */
export const sendFrame = z
  .object({
    type: z.literal("send"),
    targetSpec: z
      .union([
        z.literal(BROADCAST_TARGET),
        z.literal(BROADCAST_ALIAS),
        publicKeyHex,
        z.string().regex(/^[@#][^\s]{1,199}$/, "a claudemesh group or topic"),
      ])
      .describe(
        "A member's public key or a session key of this mesh; `*` (or `@all`) for every other member. claudemesh groups (`@name`) and topics (`#topic`) are refused with unsupported_target.",
      ),
    priority,
    nonce: base64,
    ciphertext: base64,
    id: identifier
      .optional()
      .describe("The client's correlation id: a retry with the same id within 24 h is never queued twice."),
    ttlSeconds: z
      .number()
      .int()
      .positive()
      .max(MAX_ENVELOPE_TTL_SECONDS)
      .optional()
      .describe("Optional lifetime in seconds: an envelope not delivered within it is never pushed."),
    _reqId: requestId.optional(),
  })
  .describe("An encrypted envelope for one member or for everyone else in the mesh.");
export type SendFrame = z.infer<typeof sendFrame>;

/** A manual status override by the agent itself. */
export const setStatusFrame = z
  .object({
    type: z.literal("set_status"),
    status,
    _reqId: requestId.optional(),
  })
  .describe("A manual status from the agent itself (source manual); answered with `status`.");
export type SetStatusFrame = z.infer<typeof setStatusFrame>;

/** Asks for the mesh's live sessions. */
export const listPeersFrame = z
  .object({
    type: z.literal("list_peers"),
    _reqId: requestId.optional(),
  })
  .describe("Asks for the mesh's live sessions on every broker instance; answered with `peers_list`.");

/** Keep-alive, optionally carrying a status the agent inferred itself (lowest rank). */
export const heartbeatFrame = z
  .object({
    type: z.literal("heartbeat"),
    status: status.optional().describe("A status the agent inferred itself (source heartbeat, the lowest rank)."),
    _reqId: requestId.optional(),
  })
  .describe("Keep-alive, optionally carrying a status; answered with `status`.");
export type HeartbeatFrame = z.infer<typeof heartbeatFrame>;

/** Confirms a pushed envelope (sessions that announced the `ack` feature). */
export const clientAckFrame = z
  .object({
    type: z.literal("client_ack"),
    brokerMessageId: z
      .union([z.string().regex(/^\d{1,19}$/), z.number().int().positive()])
      .transform(String)
      .describe("The `brokerMessageId` of the push being confirmed, as a string of digits or a number."),
    _reqId: requestId.optional(),
  })
  .describe("Confirms a pushed envelope (sessions that announced the `ack` feature); no answer unless it fails.");
export type ClientAckFrame = z.infer<typeof clientAckFrame>;

/** Longest summary kept; a longer one is cut to this many characters (claudemesh clients await no answer). */
export const MAX_SUMMARY_LENGTH = 1000;

/** What the agent says it is doing, shown to its peers in `peers_list` (claudemesh `set_summary`). */
export const setSummaryFrame = z
  .object({
    type: z.literal("set_summary"),
    summary: z
      .string()
      .transform((s) => s.slice(0, MAX_SUMMARY_LENGTH))
      .describe(`Free text, kept up to ${MAX_SUMMARY_LENGTH} characters; an empty string clears it.`),
    _reqId: requestId.optional(),
  })
  .describe(
    "Sets the session's summary, shown to peers in `peers_list`; never answered (claudemesh sends it without waiting).",
  );
export type SetSummaryFrame = z.infer<typeof setSummaryFrame>;

/** Every frame a client may send after `hello`, by `type`. */
export const sessionFrameSchemas = {
  send: sendFrame,
  set_status: setStatusFrame,
  list_peers: listPeersFrame,
  heartbeat: heartbeatFrame,
  client_ack: clientAckFrame,
  set_summary: setSummaryFrame,
} as const;

/** The `type` of a frame valid after `hello`. */
export type SessionFrameType = keyof typeof sessionFrameSchemas;
/** A parsed frame of an authenticated session. */
export type SessionFrame = { [K in SessionFrameType]: z.infer<(typeof sessionFrameSchemas)[K]> }[SessionFrameType];
