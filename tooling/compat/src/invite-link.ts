import { verifyDetached } from "./keys.ts";

/** The payload of a v1 invite link, as claudemesh clients validate it. */
export interface ClaudemeshInvitePayload {
  v: 1;
  mesh_id: string;
  mesh_slug: string;
  broker_url: string;
  /** Unix seconds: claudemesh refuses any other form. */
  expires_at: number;
  mesh_root_key: string;
  role: "admin" | "member";
  owner_pubkey: string;
  signature: string;
}

/** A link that parsed and verified: its token (the `/join` row key) and payload. */
export interface ParsedInvite {
  token: string;
  payload: ClaudemeshInvitePayload;
}

/** Why a claudemesh client refuses a link, as a stable reason and the text it prints. */
export class InviteRefused extends Error {
  constructor(
    readonly reason: "not_a_link" | "bad_payload" | "expired" | "bad_signature",
    message: string,
  ) {
    super(message);
    this.name = "InviteRefused";
  }
}

const TOKEN = /^[A-Za-z0-9_-]+$/;
const HTTP_LINK = /^https?:\/\/[^/]+(?:\/[a-z]{2})?\/join\/([A-Za-z0-9_-]+)\/?$/;
const OWNER_KEY = /^[0-9a-f]{64}$/i;
const SIGNATURE = /^[0-9a-f]{128}$/i;

/** The token of `ic://join/<t>`, `http(s)://host[/xx]/join/<t>`, or a bare token longer than 20 characters. */
export function inviteToken(link: string): string {
  const input = link.trim();
  if (input.startsWith("ic://join/")) {
    const token = input.slice("ic://join/".length).replace(/\/$/, "");
    if (token === "") throw new InviteRefused("not_a_link", "invite link has no token");
    return token;
  }
  const http = HTTP_LINK.exec(input);
  if (http?.[1]) return http[1];
  if (TOKEN.test(input) && input.length > 20) return input;
  throw new InviteRefused("not_a_link", "not an invite link (ic://join/…)");
}

/**
 * The signed string: every field exactly as the payload carries it, the
 * number `expires_at` as its decimal digits and `owner_pubkey` in the case
 * it was written in.
 */
export function canonicalInvite(payload: Omit<ClaudemeshInvitePayload, "signature">): string {
  const { v, mesh_id, mesh_slug, broker_url, expires_at, mesh_root_key, role, owner_pubkey } = payload;
  return `${v}|${mesh_id}|${mesh_slug}|${broker_url}|${expires_at}|${mesh_root_key}|${role}|${owner_pubkey}`;
}

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** The payload's fields checked as the v0.1 schema checks them; unknown keys are left out. */
function validatePayload(decoded: unknown): ClaudemeshInvitePayload {
  const fail = (field: string, why: string): never => {
    throw new InviteRefused("bad_payload", `invite payload invalid: ${field} ${why}`);
  };
  if (typeof decoded !== "object" || decoded === null) return fail("payload", "is not an object");
  const p = decoded as Record<string, unknown>;
  if (p.v !== 1) fail("v", "must be 1");
  for (const field of ["mesh_id", "mesh_slug", "broker_url", "mesh_root_key"] as const) {
    if (!nonEmpty(p[field])) fail(field, "must be a non-empty string");
  }
  // An integer of unix seconds, > 0: an ISO string (or any other form) is refused here.
  if (typeof p.expires_at !== "number" || !Number.isInteger(p.expires_at) || p.expires_at <= 0) {
    fail("expires_at", "must be a positive integer");
  }
  if (p.role !== "admin" && p.role !== "member") fail("role", 'must be "admin" or "member"');
  if (typeof p.owner_pubkey !== "string" || !OWNER_KEY.test(p.owner_pubkey)) fail("owner_pubkey", "must be 64 hex");
  if (typeof p.signature !== "string" || !SIGNATURE.test(p.signature)) fail("signature", "must be 128 hex");
  return {
    v: 1,
    mesh_id: p.mesh_id as string,
    mesh_slug: p.mesh_slug as string,
    broker_url: p.broker_url as string,
    expires_at: p.expires_at as number,
    mesh_root_key: p.mesh_root_key as string,
    role: p.role as "admin" | "member",
    owner_pubkey: p.owner_pubkey as string,
    signature: p.signature as string,
  };
}

/**
 * Parses an invite link the way claudemesh clients do: the token is
 * base64url JSON; the payload must have the v1 shape with `expires_at` an
 * integer of unix seconds; a link whose `expires_at` is before this second is
 * expired; the owner's signature must verify over the canonical string.
 */
export function parseInviteLink(link: string, nowMs = Date.now()): ParsedInvite {
  const token = inviteToken(link);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new InviteRefused("bad_payload", "invite token is not base64url JSON");
  }
  const payload = validatePayload(decoded);
  if (payload.expires_at < Math.floor(nowMs / 1000)) {
    throw new InviteRefused("expired", `invite expired at ${new Date(payload.expires_at * 1000).toISOString()}`);
  }
  if (!verifyDetached(payload.owner_pubkey, canonicalInvite(payload), payload.signature)) {
    throw new InviteRefused("bad_signature", "invite signature invalid (link tampered?)");
  }
  return { token, payload };
}
