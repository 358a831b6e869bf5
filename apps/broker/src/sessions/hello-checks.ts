import {
  ErrorCode,
  type HelloFrame,
  helloSigningString,
  MAX_ATTESTATION_TTL_MS,
  type SessionHelloFrame,
  sessionAttestationSigningString,
  sessionHelloSigningString,
  verifyEd25519,
} from "@mesh/shared";

/** How far a hello's timestamp may be from the broker's clock (docs/protocol.md#hello-checks). */
export const MAX_HELLO_SKEW_MS = 60_000;

/** A refusal of a hello's credentials. */
export type CredentialProblem = { code: ErrorCode; message: string };

/**
 * Who a verified hello of either kind says it is: the member's key (and id,
 * when the frame names it), the session's own key when it has one, and the
 * key whose signature the replay check remembers ("" for the member's own).
 */
export interface HelloIdentity {
  meshId: string;
  memberId: string | undefined;
  memberPubkey: string;
  sessionPubkey: string | null;
  signerPubkey: string;
  timestamp: number;
}

/**
 * The checks of a hello that need no database, in the documented order
 * (docs/protocol.md#hello-checks). A member's `hello`: clock skew, then its
 * signature. A `session_hello`: the attestation names the same two keys,
 * lies ahead by at most 24 h and is signed by the member's key; then the
 * session's clock skew and its signature by the session key.
 */
export function checkHelloCredentials(
  hello: HelloFrame | SessionHelloFrame,
  now: number,
): { ok: true; identity: HelloIdentity } | { ok: false; problem: CredentialProblem } {
  return hello.type === "hello" ? checkMemberHello(hello, now) : checkSessionHello(hello, now);
}

const refuse = (code: ErrorCode, message: string) => ({ ok: false as const, problem: { code, message } });

function skewed(timestamp: number, now: number): boolean {
  return Math.abs(now - timestamp) > MAX_HELLO_SKEW_MS;
}

function checkMemberHello(hello: HelloFrame, now: number) {
  if (skewed(hello.timestamp, now)) {
    return refuse(ErrorCode.timestampSkew, "the hello timestamp is more than 60 s from the broker's clock");
  }
  if (!verifyEd25519(hello.pubkey, helloSigningString(hello), hello.signature)) {
    return refuse(ErrorCode.badSignature, "the hello signature does not verify against pubkey");
  }
  const identity: HelloIdentity = {
    meshId: hello.meshId,
    memberId: hello.memberId,
    memberPubkey: hello.pubkey,
    sessionPubkey: hello.sessionPubkey ?? null,
    signerPubkey: "",
    timestamp: hello.timestamp,
  };
  return { ok: true as const, identity };
}

function checkSessionHello(hello: SessionHelloFrame, now: number) {
  const attestation = hello.parentAttestation;
  if (
    attestation.sessionPubkey !== hello.sessionPubkey ||
    attestation.parentMemberPubkey !== hello.parentMemberPubkey
  ) {
    return refuse(ErrorCode.badAttestation, "the parent attestation names other keys than the session_hello");
  }
  if (attestation.expiresAt <= now) return refuse(ErrorCode.badAttestation, "the parent attestation has expired");
  if (attestation.expiresAt > now + MAX_ATTESTATION_TTL_MS) {
    return refuse(ErrorCode.badAttestation, "the parent attestation runs longer than 24 h");
  }
  if (!verifyEd25519(hello.parentMemberPubkey, sessionAttestationSigningString(attestation), attestation.signature)) {
    return refuse(ErrorCode.badSignature, "the parent attestation does not verify against parentMemberPubkey");
  }
  if (skewed(hello.timestamp, now)) {
    return refuse(ErrorCode.timestampSkew, "the session_hello timestamp is more than 60 s from the broker's clock");
  }
  if (!verifyEd25519(hello.sessionPubkey, sessionHelloSigningString(hello), hello.signature)) {
    return refuse(ErrorCode.badSignature, "the session_hello signature does not verify against sessionPubkey");
  }
  const identity: HelloIdentity = {
    meshId: hello.meshId,
    memberId: hello.parentMemberId,
    memberPubkey: hello.parentMemberPubkey,
    sessionPubkey: hello.sessionPubkey,
    signerPubkey: hello.sessionPubkey,
    timestamp: hello.timestamp,
  };
  return { ok: true as const, identity };
}
