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

/**
 * `POST /join`. `invite_payload` is the decoded JSON object, or the link's
 * base64url part. `invite_token` is the invite row's key; the links our
 * admin CLI prints use the base64url part itself (as claudemesh does).
 */
export const joinRequest = z
  .object({
    invite_token: z.string().min(1).max(8192).describe("The invite row's key: the base64url part of the link."),
    invite_payload: z
      .union([z.string().min(1).max(16_384), z.record(z.string(), z.unknown())])
      .describe("The invite payload object, the whole ic://join/ link, or its base64url part."),
    peer_pubkey: publicKeyHex.describe("The joining agent's ed25519 public key."),
    display_name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .describe("1 to 100 characters once surrounding whitespace is trimmed."),
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
