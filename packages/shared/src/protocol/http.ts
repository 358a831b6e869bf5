import { z } from "zod";
import { cwd, identifier, pid, publicKeyHex, signatureHex } from "./primitives.ts";

/** The signed invite payload carried in an `ic://join/…` link (docs/protocol.md#invites). */
export const invitePayload = z
  .object({
    v: z.literal(1),
    mesh_id: identifier,
    mesh_slug: z.string().min(1).max(200),
    broker_url: z
      .string()
      .min(1)
      .max(2048)
      .describe("The WebSocket URL agents connect to, e.g. wss://host/ws; the broker does not check it."),
    expires_at: z
      .union([z.string().min(1).max(64), z.number().int()])
      .describe(
        "Exactly as signed: an integer of unix seconds (what invites carry today, and the only form claudemesh clients accept); older links: a string of digits, milliseconds from 10^11 up, or an ISO 8601 date.",
      ),
    mesh_root_key: z
      .string()
      .min(1)
      .max(512)
      .describe("The mesh's shared key; broadcasts are encrypted with a key derived from it."),
    role: z.enum(["admin", "member"]),
    owner_pubkey: publicKeyHex.describe("The mesh owner's ed25519 public key, which signed the invite."),
    signature: signatureHex.describe(
      "ed25519 over v|mesh_id|mesh_slug|broker_url|expires_at|mesh_root_key|role|owner_pubkey.",
    ),
  })
  .describe("The signed invite payload carried in an ic://join/ link.");
export type InvitePayload = z.infer<typeof invitePayload>;

/** The ranges of {@link TERMINAL_UNSAFE_CHARACTER}, as the body of a `RegExp` character class. */
const TERMINAL_UNSAFE_RANGES = "\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069";

/**
 * One character that may drive or reorder a terminal: a C0 control (CR, LF
 * and ESC among them), DEL, a C1 control, or a bidirectional formatting
 * character (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). A display
 * name may not hold one; the CLI never prints one raw from text a peer or the
 * broker wrote.
 */
export const TERMINAL_UNSAFE_CHARACTER = new RegExp(`[${TERMINAL_UNSAFE_RANGES}]`);

/** A name members see: no {@link TERMINAL_UNSAFE_CHARACTER}, then trimmed to 1–100 characters. */
export const displayName = z
  .string()
  .regex(
    new RegExp(`^[^${TERMINAL_UNSAFE_RANGES}]*$`),
    "must not contain control characters (line breaks, escape sequences) or bidirectional overrides",
  )
  .trim()
  .min(1)
  .max(100);

/**
 * `POST /join`. `invite_payload` is the decoded JSON object, or the link's
 * base64url part. `invite_token` is the invite row's key; the links our
 * admin CLI prints use the base64url part itself (as claudemesh does).
 * `proof_signature` and `proof_timestamp` go together: the joiner's proof
 * that it holds `peer_pubkey` (docs/protocol.md#join-signing-string),
 * required on `strict` meshes.
 */
export const joinRequest = z
  .object({
    invite_token: z.string().min(1).max(8192).describe("The invite row's key: the base64url part of the link."),
    invite_payload: z
      .union([z.string().min(1).max(16_384), z.record(z.string(), z.unknown())])
      .describe("The invite payload object, the whole ic://join/ link, or its base64url part."),
    peer_pubkey: publicKeyHex.describe("The joining agent's ed25519 public key."),
    display_name: displayName.describe(
      "1 to 100 characters once surrounding whitespace is trimmed; no control characters or bidirectional overrides. Unique in the mesh among non-revoked members, ignoring case.",
    ),
    proof_signature: signatureHex
      .optional()
      .describe(
        "ed25519 by peer_pubkey over mesh-join-v1|mesh_id|invite_token|peer_pubkey|display_name|proof_timestamp; required on strict meshes.",
      ),
    proof_timestamp: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("Milliseconds since the epoch the proof was signed at; within 60 s of the broker's clock."),
  })
  .describe("The body of POST /join.");
export type JoinRequest = z.infer<typeof joinRequest>;

/** `POST /hook/set-status`: claudemesh v0.1 fields. Hooks report idle or working; dnd is the agent's own. */
export const hookSetStatusRequest = z
  .object({
    cwd,
    pid: pid.nullish(),
    status: z.enum(["idle", "working"]).describe("What the hook saw; dnd is the agent's own and not accepted here."),
    session_id: z.string().max(200).nullish().describe("Accepted for compatibility; this broker does not use it."),
  })
  .describe("The body of POST /hook/set-status.");
export type HookSetStatusRequest = z.infer<typeof hookSetStatusRequest>;

const INVITE_LINK_PREFIX = "ic://join/";

/** Builds `ic://join/<base64url(JSON payload)>`. */
export function encodeInviteLink(payload: InvitePayload): string {
  return INVITE_LINK_PREFIX + Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

/**
 * The expiry an invite payload carries: ISO 8601, or a number (or string of
 * digits) of seconds since the epoch when below 10^11, else milliseconds
 * (claudemesh links carry seconds). Undefined when it is no date.
 */
export function inviteExpiresAt(value: string | number): Date | undefined {
  const numeric = typeof value === "number" || /^\d+$/.test(value);
  const raw = numeric ? Number(value) : Date.parse(value);
  const ms = numeric && Math.abs(raw) < 1e11 ? raw * 1000 : raw;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms) : undefined;
}

/** The base64url part of an `ic://join/…` link (or the part itself, trimmed). */
export function inviteLinkToken(link: string): string {
  const trimmed = link.trim();
  return trimmed.startsWith(INVITE_LINK_PREFIX) ? trimmed.slice(INVITE_LINK_PREFIX.length).replace(/\/$/, "") : trimmed;
}

/** Decodes a link (or its bare base64url part) to an unvalidated JSON value; undefined when it is not one. */
export function decodeInviteLink(link: string): unknown {
  try {
    return JSON.parse(Buffer.from(inviteLinkToken(link), "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
