let lastHelloTimestamp = 0;

/**
 * The timestamp for a new hello: now in milliseconds, but always after the
 * previous one this process signed. The broker refuses a second hello of one
 * member with the same timestamp (`hello_replayed`), so two sessions a
 * process opens in the same millisecond must not share one.
 */
export function nextHelloTimestamp(): number {
  lastHelloTimestamp = Math.max(Date.now(), lastHelloTimestamp + 1);
  return lastHelloTimestamp;
}

/** The exact string a hello signs (docs/protocol.md#hello-signing-string); `timestamp` in milliseconds. */
export function helloSigningString(h: { meshId: string; memberId: string; pubkey: string; timestamp: number }): string {
  return `${h.meshId}|${h.memberId}|${h.pubkey}|${h.timestamp}`;
}

/**
 * What a member signs to vouch for one of its sessions' own keys until
 * `expiresAt` (ms), as claudemesh defines it (docs/protocol.md#session-signing-strings).
 */
export function sessionAttestationSigningString(a: {
  parentMemberPubkey: string;
  sessionPubkey: string;
  expiresAt: number;
}): string {
  return `claudemesh-session-attest|${a.parentMemberPubkey}|${a.sessionPubkey}|${a.expiresAt}`;
}

/** What a session signs with its own key to say hello (docs/protocol.md#session-signing-strings). */
export function sessionHelloSigningString(h: {
  meshId: string;
  parentMemberPubkey: string;
  sessionPubkey: string;
  timestamp: number;
}): string {
  return `claudemesh-session-hello|${h.meshId}|${h.parentMemberPubkey}|${h.sessionPubkey}|${h.timestamp}`;
}

/** The fields of an invite that its owner signs (docs/protocol.md#invite-signing-string). */
export interface InviteSignedFields {
  v: number;
  mesh_id: string;
  mesh_slug: string;
  broker_url: string;
  expires_at: string | number;
  mesh_root_key: string;
  role: string;
  owner_pubkey: string;
}

/** The exact string an invite's owner signs (docs/protocol.md#invite-signing-string). */
export function inviteSigningString(p: InviteSignedFields): string {
  return `${p.v}|${p.mesh_id}|${p.mesh_slug}|${p.broker_url}|${p.expires_at}|${p.mesh_root_key}|${p.role}|${p.owner_pubkey}`;
}

/**
 * What a joiner signs with the key it enrols, to prove it holds that key
 * (docs/protocol.md#join-signing-string): `displayName` trimmed as the broker
 * stores it, `peerPubkey` in lower case, `timestamp` in milliseconds.
 */
export function joinSigningString(j: {
  meshId: string;
  inviteToken: string;
  peerPubkey: string;
  displayName: string;
  timestamp: number;
}): string {
  return `mesh-join-v1|${j.meshId}|${j.inviteToken}|${j.peerPubkey}|${j.displayName}|${j.timestamp}`;
}

/**
 * What a mesh owner signs to make an admin request (docs/admin-api.md#mesh-owner):
 * `method` in upper case, `pathAndQuery` exactly as sent, `bodySha256` the
 * lower-case hex SHA-256 of the raw body bytes, `timestamp` in milliseconds.
 */
export function adminRequestSigningString(r: {
  method: string;
  pathAndQuery: string;
  bodySha256: string;
  timestamp: number;
}): string {
  return `mesh-admin-v1|${r.method.toUpperCase()}|${r.pathAndQuery}|${r.bodySha256}|${r.timestamp}`;
}
