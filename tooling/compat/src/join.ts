import { brokerOriginUrl } from "./broker-origin.ts";
import type { ParsedInvite } from "./invite-link.ts";

/** A membership as a claudemesh client stores it after `/join`. */
export interface ClaudemeshMembership {
  meshId: string;
  memberId: string;
  slug: string;
  /** The socket connects to exactly this URL. */
  brokerUrl: string;
  pubkey: string;
  secretKey: string;
}

/** A `/join` the broker refused, with the HTTP status and the body's `error`. */
export class JoinRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`broker /join failed (${status}): ${code}`);
    this.name = "JoinRefused";
  }
}

/**
 * `POST /join` at the root of the broker's origin, as claudemesh enrols:
 * the token, the parsed payload object, a fresh public key and a display
 * name; nothing is signed by the joiner. Success needs a 2xx answer whose
 * JSON has `ok` and `memberId`.
 */
export async function postJoin(
  invite: ParsedInvite,
  keys: { publicKey: string; secretKey: string },
  displayName: string,
): Promise<ClaudemeshMembership> {
  const response = await fetch(brokerOriginUrl(invite.payload.broker_url, "/join"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      invite_token: invite.token,
      invite_payload: invite.payload,
      peer_pubkey: keys.publicKey,
      display_name: displayName,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { ok?: unknown; memberId?: unknown; error?: unknown };
  if (!response.ok || !body.ok || typeof body.memberId !== "string" || body.memberId === "") {
    throw new JoinRefused(response.status, typeof body.error === "string" ? body.error : "unknown");
  }
  return {
    meshId: invite.payload.mesh_id,
    memberId: body.memberId,
    slug: invite.payload.mesh_slug,
    brokerUrl: invite.payload.broker_url,
    pubkey: keys.publicKey,
    secretKey: keys.secretKey,
  };
}
