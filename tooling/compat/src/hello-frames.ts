import { type ClaudemeshKeys, signDetached } from "./keys.ts";

/** Which claudemesh client line to speak like. */
export type ClaudemeshLine = "v0.1" | "1.x";

/** Who is saying hello, and from where. */
export interface HelloIdentity {
  meshId: string;
  memberId: string;
  member: ClaudemeshKeys;
  sessionId: string;
  pid: number;
  cwd: string;
}

/** What the 1.x line adds to a member hello. */
export interface HelloExtras {
  /** The ephemeral session key announced as `sessionPubkey`; none for v0.1 (and the later 1.x daemon). */
  sessionKeys?: ClaudemeshKeys | undefined;
  displayName?: string | undefined;
  hostname: string;
  channel: string;
}

let lastTimestamp = 0;
/**
 * `Date.now()` as claudemesh signs it, kept strictly increasing within this
 * process so two hellos of one member in the same millisecond (which a test
 * opens easily) are not refused as replays.
 */
export function helloTimestamp(): number {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
}

/**
 * A member `hello`: the v0.1 fields, signed by the member key over
 * `meshId|memberId|pubkey|timestamp` (the session key is not covered); the
 * 1.x line adds `sessionPubkey`, `displayName`, `hostname`, `peerType` and
 * `channel`.
 */
export function memberHello(
  line: ClaudemeshLine,
  who: HelloIdentity,
  extras: HelloExtras,
  timestamp = helloTimestamp(),
): Record<string, unknown> {
  const signature = signDetached(who.member, `${who.meshId}|${who.memberId}|${who.member.publicKey}|${timestamp}`);
  const base = {
    type: "hello",
    meshId: who.meshId,
    memberId: who.memberId,
    pubkey: who.member.publicKey,
    sessionId: who.sessionId,
    pid: who.pid,
    cwd: who.cwd,
    timestamp,
    signature,
  };
  if (line === "v0.1") return base;
  return {
    ...base,
    ...(extras.sessionKeys ? { sessionPubkey: extras.sessionKeys.publicKey } : {}),
    ...(extras.displayName !== undefined ? { displayName: extras.displayName } : {}),
    hostname: extras.hostname,
    peerType: "ai",
    channel: extras.channel,
  };
}

/** The member's word that a session key is its own, until `expiresAt` (unix ms). */
export interface ParentAttestation {
  sessionPubkey: string;
  parentMemberPubkey: string;
  expiresAt: number;
  signature: string;
}

/** claudemesh mints attestations for 12 hours. */
export const ATTESTATION_TTL_MS = 12 * 3_600_000;

/**
 * An attestation signed by `signer` (the member, unless a test forges one)
 * over `claudemesh-session-attest|<parent>|<session>|<expiresAt>`.
 */
export function attestSession(
  parentMemberPubkey: string,
  sessionPubkey: string,
  expiresAt: number,
  signer: ClaudemeshKeys,
): ParentAttestation {
  const signature = signDetached(
    signer,
    `claudemesh-session-attest|${parentMemberPubkey}|${sessionPubkey}|${expiresAt}`,
  );
  return { sessionPubkey, parentMemberPubkey, expiresAt, signature };
}

/**
 * A 1.30+ `session_hello`: the session key signs
 * `claudemesh-session-hello|<meshId>|<parent>|<session>|<timestamp>`, the
 * member vouches for the key with `attestation`.
 */
export function sessionHello(
  who: HelloIdentity,
  session: ClaudemeshKeys,
  attestation: ParentAttestation,
  extras: Omit<HelloExtras, "sessionKeys" | "channel">,
  timestamp = helloTimestamp(),
): Record<string, unknown> {
  const parent = who.member.publicKey;
  return {
    type: "session_hello",
    meshId: who.meshId,
    parentMemberId: who.memberId,
    parentMemberPubkey: parent,
    sessionPubkey: session.publicKey,
    parentAttestation: attestation,
    ...(extras.displayName !== undefined ? { displayName: extras.displayName } : {}),
    sessionId: who.sessionId,
    pid: who.pid,
    cwd: who.cwd,
    hostname: extras.hostname,
    peerType: "ai",
    channel: "claudemesh-session",
    timestamp,
    signature: signDetached(
      session,
      `claudemesh-session-hello|${who.meshId}|${parent}|${session.publicKey}|${timestamp}`,
    ),
  };
}
