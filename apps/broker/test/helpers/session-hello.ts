import {
  type Ed25519KeyPair,
  generateEd25519KeyPair,
  nextHelloTimestamp,
  sessionAttestationSigningString,
  sessionHelloSigningString,
  signEd25519,
} from "@mesh/shared";
import type { TestMember } from "./mesh-fixtures.ts";

/**
 * A claudemesh 1.30+ `session_hello` for a fresh (or given) session key of
 * `member`: attested by the member's key, signed by the session key.
 */
export function sessionHelloFor(
  member: TestMember,
  options: {
    sessionKeys?: Ed25519KeyPair;
    expiresAt?: number;
    timestamp?: number;
    attester?: Ed25519KeyPair;
    parentMemberId?: string;
    sessionId?: string;
    cwd?: string;
  } = {},
): { frame: Record<string, unknown>; sessionKeys: Ed25519KeyPair } {
  const sessionKeys = options.sessionKeys ?? generateEd25519KeyPair();
  const timestamp = options.timestamp ?? nextHelloTimestamp();
  const attestation = {
    parentMemberPubkey: member.keys.publicKey,
    sessionPubkey: sessionKeys.publicKey,
    expiresAt: options.expiresAt ?? Date.now() + 12 * 3_600_000,
  };
  const signed = { meshId: member.meshId, ...attestation, timestamp };
  return {
    sessionKeys,
    frame: {
      type: "session_hello",
      meshId: member.meshId,
      parentMemberId: options.parentMemberId ?? member.id,
      parentMemberPubkey: member.keys.publicKey,
      sessionPubkey: sessionKeys.publicKey,
      parentAttestation: {
        ...attestation,
        signature: signEd25519(options.attester ?? member.keys, sessionAttestationSigningString(attestation)),
      },
      sessionId: options.sessionId ?? `launch-${timestamp}`,
      pid: 5150,
      cwd: options.cwd ?? `/home/agent/${member.displayName}`,
      hostname: "devbox",
      peerType: "ai",
      channel: "claudemesh-session",
      timestamp,
      signature: signEd25519(sessionKeys, sessionHelloSigningString(signed)),
    },
  };
}
