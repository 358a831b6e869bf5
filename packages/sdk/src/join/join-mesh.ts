import {
  decodeInviteLink,
  type InvitePayload,
  inviteExpiresAt,
  inviteLinkToken,
  invitePayload,
  inviteSigningString,
  verifyEd25519,
} from "@mesh/shared";
import { z } from "zod";
import { httpBaseUrl } from "../broker-http.ts";
import type { Membership } from "../home/membership-store.ts";
import type { MeshHome } from "../home/mesh-home.ts";
import { MeshError } from "../mesh-error.ts";
import { joinRequestBody } from "./join-request.ts";

/** A link that decoded, validated and verified locally. */
export interface VerifiedInvite {
  token: string;
  payload: InvitePayload;
  expiresAt: Date;
}

/**
 * Decodes an `ic://join/…` link (or its base64url part) and checks what can
 * be checked without the broker: the shape, the owner's signature, expiry.
 */
export function verifyInviteLink(link: string, now = Date.now()): VerifiedInvite {
  const token = inviteLinkToken(link);
  const decoded = decodeInviteLink(token);
  if (decoded === undefined) throw new MeshError("invite_malformed", "not an invite link (ic://join/…)");
  const parsed = invitePayload.safeParse(decoded);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MeshError("invite_malformed", `invite ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const payload = parsed.data;
  if (!verifyEd25519(payload.owner_pubkey, inviteSigningString(payload), payload.signature)) {
    throw new MeshError("invite_bad_signature", "the invite's signature does not verify: the link was altered");
  }
  const expiresAt = inviteExpiresAt(payload.expires_at);
  if (!expiresAt) throw new MeshError("invite_malformed", "the invite's expires_at is not a date");
  if (expiresAt.getTime() <= now) {
    throw new MeshError("invite_expired", `the invite expired at ${expiresAt.toISOString()}`);
  }
  return { token, payload, expiresAt };
}

const joinAnswer = z.union([
  z.object({ ok: z.literal(true), memberId: z.string().min(1), alreadyMember: z.boolean().optional() }),
  z.object({ ok: z.literal(false), error: z.string(), message: z.string().optional() }),
]);

/** What `joinMesh` did. */
export interface JoinResult {
  membership: Membership;
  alreadyMember: boolean;
  publicKey: string;
}

/**
 * Joins the mesh of `link` (docs/protocol.md#join-endpoint): verifies the invite locally, makes this
 * home's identity if it has none, `POST /join`s with the proof that it holds that key, and saves
 * the membership. A refusal keeps the broker's code (`invite_exhausted`, `name_taken`, …).
 */
export async function joinMesh(
  home: MeshHome,
  link: string,
  displayName: string,
  options: { timeoutMs?: number } = {},
): Promise<JoinResult> {
  const invite = verifyInviteLink(link);
  const identity = home.identityOrCreate();
  const body = joinRequestBody(invite, identity, displayName);
  const url = `${httpBaseUrl(invite.payload.broker_url)}/join`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (e: unknown) {
    throw new MeshError("broker_unreachable", `cannot reach ${url}`, { cause: e });
  }
  const answer = joinAnswer.safeParse(await response.json().catch(() => undefined));
  if (!answer.success) {
    throw new MeshError("bad_response", `${url} answered ${response.status} with an unexpected body`);
  }
  if (!answer.data.ok) {
    throw MeshError.fromBroker(
      answer.data.error,
      answer.data.message ?? `the broker refused the join (${answer.data.error})`,
    );
  }
  const membership: Membership = {
    meshId: invite.payload.mesh_id,
    slug: invite.payload.mesh_slug,
    memberId: answer.data.memberId,
    brokerUrl: invite.payload.broker_url,
    rootKey: invite.payload.mesh_root_key,
    role: invite.payload.role,
    displayName: body.display_name,
    joinedAt: new Date().toISOString(),
  };
  home.saveMembership(membership);
  return { membership, alreadyMember: answer.data.alreadyMember ?? false, publicKey: identity.publicKey };
}
