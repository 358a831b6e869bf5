import { type Ed25519KeyPair, type HelloFrame, helloSigningString, signEd25519 } from "@mesh/shared";

/** Who a hello speaks for. */
export interface HelloSubject {
  meshId: string;
  memberId: string;
  identity: Ed25519KeyPair;
  sessionId: string;
  /** The agent process whose hooks report this session's status. */
  pid: number;
  cwd: string;
}

/**
 * The first frame of a session, signed (docs/protocol.md#hello). `timestamp` must be new
 * for every hello (`nextHelloTimestamp`): the broker refuses a replayed one.
 */
export function signedHello(subject: HelloSubject, timestamp: number): HelloFrame {
  const { meshId, memberId, identity } = subject;
  return {
    type: "hello",
    meshId,
    memberId,
    pubkey: identity.publicKey,
    sessionId: subject.sessionId,
    pid: subject.pid,
    cwd: subject.cwd,
    timestamp,
    signature: signEd25519(identity, helloSigningString({ meshId, memberId, pubkey: identity.publicKey, timestamp })),
    features: ["ack"],
  };
}
