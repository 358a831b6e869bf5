import { randomUUID } from "node:crypto";
import { type Ed25519KeyPair, helloSigningString, nextHelloTimestamp, signEd25519 } from "@mesh/shared";

/** A member as the harness knows it: ids and the identity keypair. */
export interface FuzzMember {
  id: string;
  meshId: string;
  keys: Ed25519KeyPair;
}

/**
 * A hello for `member`, signed now by `signer` (the member itself unless
 * told otherwise) over whatever `meshId`/`memberId`/`timestamp` it carries.
 */
export function signedHello(
  member: FuzzMember,
  overrides: Partial<{ meshId: string; memberId: string; timestamp: number; signer: Ed25519KeyPair }> = {},
): Record<string, unknown> {
  const fields = {
    meshId: overrides.meshId ?? member.meshId,
    memberId: overrides.memberId ?? member.id,
    pubkey: member.keys.publicKey,
    timestamp: overrides.timestamp ?? nextHelloTimestamp(),
  };
  return {
    type: "hello",
    ...fields,
    sessionId: randomUUID(),
    pid: 4242,
    cwd: "/home/fuzz/agent",
    signature: signEd25519(overrides.signer ?? member.keys, helloSigningString(fields)),
  };
}
