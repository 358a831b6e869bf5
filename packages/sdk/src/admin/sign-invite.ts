import {
  type Ed25519KeyPair,
  encodeInviteLink,
  type InvitePayload,
  inviteLinkToken,
  inviteSigningString,
  signEd25519,
} from "@mesh/shared";

/** What an invite says, before the owner signs it. */
export interface InviteTerms {
  meshId: string;
  slug: string;
  brokerUrl: string;
  rootKey: string;
  role: "admin" | "member";
  /** Signed as whole seconds (any milliseconds are dropped). */
  expiresAt: Date;
}

/** A signed invite: its link, the row key and the exact string the owner signed. */
export interface SignedInvite {
  payload: InvitePayload;
  /** `ic://join/<base64url(JSON payload)>`. */
  link: string;
  /** The invite row's key: the link's base64url part (as claudemesh does). */
  token: string;
  /** The canonical string the signature covers, stored as `signed_payload`. */
  signedPayload: string;
}

/** Builds and signs the invite payload (docs/protocol.md#invites) with the mesh owner's keys. */
export function signInvite(owner: Ed25519KeyPair, terms: InviteTerms): SignedInvite {
  const unsigned = {
    v: 1 as const,
    mesh_id: terms.meshId,
    mesh_slug: terms.slug,
    broker_url: terms.brokerUrl,
    // An integer of unix seconds: the only form claudemesh clients accept, signed exactly as written.
    expires_at: Math.floor(terms.expiresAt.getTime() / 1000),
    mesh_root_key: terms.rootKey,
    role: terms.role,
    owner_pubkey: owner.publicKey,
  };
  const signedPayload = inviteSigningString(unsigned);
  const payload: InvitePayload = { ...unsigned, signature: signEd25519(owner, signedPayload) };
  const link = encodeInviteLink(payload);
  return { payload, link, token: inviteLinkToken(link), signedPayload };
}
