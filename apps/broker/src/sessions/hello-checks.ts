import { ErrorCode, type HelloFrame, helloSigningString, verifyEd25519 } from "@mesh/shared";

/** How far a hello's timestamp may be from the broker's clock (docs/protocol.md#hello-checks). */
export const MAX_HELLO_SKEW_MS = 60_000;

/**
 * The checks of a hello that need no database, in the documented order: clock skew,
 * then the ed25519 signature over the canonical string. Undefined when both pass.
 */
export function checkHelloCredentials(
  hello: HelloFrame,
  now: number,
): typeof ErrorCode.timestampSkew | typeof ErrorCode.badSignature | undefined {
  if (Math.abs(now - hello.timestamp) > MAX_HELLO_SKEW_MS) return ErrorCode.timestampSkew;
  if (!verifyEd25519(hello.pubkey, helloSigningString(hello), hello.signature)) return ErrorCode.badSignature;
  return undefined;
}
