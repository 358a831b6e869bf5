import {
  decodeInviteLink,
  type Ed25519KeyPair,
  generateEd25519KeyPair,
  joinSigningString,
  signEd25519,
} from "@mesh/shared";
import type { TestInvite } from "../helpers/mesh-fixtures.ts";

/** A `POST /join` answer: its status and JSON body. */
export interface JoinAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `body` (a JSON string) to `<baseUrl>/join`. */
export async function postJoin(baseUrl: string, body: string): Promise<JoinAnswer> {
  const res = await fetch(`${baseUrl}/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The `mesh_id` a body's `invite_payload` names (an object, a link or its base64url part). */
function meshIdOf(payload: unknown): string {
  const decoded = typeof payload === "string" ? decodeInviteLink(payload.trim()) : payload;
  const meshId = (decoded as { mesh_id?: unknown } | undefined)?.mesh_id;
  return typeof meshId === "string" ? meshId : "";
}

/** The proof fields `keys` signs for `body` at `timestamp` (docs/protocol.md#join-signing-string). */
export function proofFor(
  keys: Ed25519KeyPair,
  body: Record<string, unknown>,
  timestamp = Date.now(),
): { proof_signature: string; proof_timestamp: number } {
  const signed = joinSigningString({
    meshId: meshIdOf(body.invite_payload),
    inviteToken: String(body.invite_token),
    peerPubkey: String(body.peer_pubkey).toLowerCase(),
    displayName: String(body.display_name).trim(),
    timestamp,
  });
  return { proof_signature: signEd25519(keys, signed), proof_timestamp: timestamp };
}

let joiners = 0;

/**
 * A join request for `invite` by `keys` (fresh unless given) under a name no
 * other request of the run uses, with `fields` replaced, and the proof `keys`
 * signs over the result (`proof: false` leaves it out).
 */
export function joinBody(
  invite: TestInvite,
  fields: Record<string, unknown> = {},
  options: { keys?: Ed25519KeyPair; proof?: boolean } = {},
): Record<string, unknown> {
  joiners += 1;
  const keys = options.keys ?? generateEd25519KeyPair();
  const body = {
    invite_token: invite.token,
    invite_payload: invite.payload,
    peer_pubkey: keys.publicKey,
    display_name: `builder-${joiners}`,
    ...fields,
  };
  return options.proof === false ? body : { ...body, ...proofFor(keys, body) };
}
