import { brokerOriginUrl } from "./broker-origin.ts";
import type { ParsedInvite } from "./invite-link.ts";
import { type ClaudemeshKeys, signDetached } from "./keys.ts";

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
 * What this broker's `strict` meshes require of a join and claudemesh never
 * sends: the joiner's signature over
 * `mesh-join-v1|mesh_id|invite_token|peer_pubkey|display_name|timestamp`
 * (docs/protocol.md#join-signing-string). Tests add it to enrol a claudemesh
 * client on a strict mesh, standing for one that joined before the mesh
 * became strict; a claudemesh client itself joins only claudemesh meshes.
 */
function joinProof(invite: ParsedInvite, keys: ClaudemeshKeys, displayName: string) {
  const timestamp = Date.now();
  const signed = ["mesh-join-v1", invite.payload.mesh_id, invite.token, keys.publicKey, displayName, timestamp];
  return { proof_signature: signDetached(keys, signed.join("|")), proof_timestamp: timestamp };
}

/**
 * `POST /join` at the root of the broker's origin, as claudemesh enrols:
 * the token, the parsed payload object, a fresh public key and a display
 * name; nothing is signed by the joiner (unless `proveKey`, see `joinProof`).
 * Success needs a 2xx answer whose JSON has `ok` and `memberId`.
 */
export async function postJoin(
  invite: ParsedInvite,
  keys: ClaudemeshKeys,
  displayName: string,
  options: { proveKey?: boolean } = {},
): Promise<ClaudemeshMembership> {
  const response = await fetch(brokerOriginUrl(invite.payload.broker_url, "/join"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      invite_token: invite.token,
      invite_payload: invite.payload,
      peer_pubkey: keys.publicKey,
      display_name: displayName,
      ...(options.proveKey ? joinProof(invite, keys, displayName) : {}),
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
