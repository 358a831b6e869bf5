import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair, type HelloFrame, helloSigningString, signEd25519 } from "@mesh/shared";
import { checkHelloCredentials, MAX_HELLO_SKEW_MS } from "./hello-checks.ts";

const keys = generateEd25519KeyPair();
const now = 1_800_000_000_000;

function hello(timestamp: number, signer = keys): HelloFrame {
  const fields = { meshId: "m1", memberId: "u1", pubkey: keys.publicKey, timestamp };
  return { type: "hello", ...fields, sessionId: "s", signature: signEd25519(signer, helloSigningString(fields)) };
}

describe("checkHelloCredentials", () => {
  test("accepts a fresh, correctly signed hello", () => {
    expect(checkHelloCredentials(hello(now), now)).toBeUndefined();
    expect(checkHelloCredentials(hello(now - MAX_HELLO_SKEW_MS), now)).toBeUndefined();
  });

  test("refuses a timestamp more than 60 s away, either side", () => {
    expect(checkHelloCredentials(hello(now - MAX_HELLO_SKEW_MS - 1), now)).toBe("timestamp_skew");
    expect(checkHelloCredentials(hello(now + MAX_HELLO_SKEW_MS + 1), now)).toBe("timestamp_skew");
  });

  test("refuses a signature by another key or over other fields", () => {
    expect(checkHelloCredentials(hello(now, generateEd25519KeyPair()), now)).toBe("bad_signature");
    expect(checkHelloCredentials({ ...hello(now), memberId: "u2" }, now)).toBe("bad_signature");
  });
});
