import { describe, expect, test } from "bun:test";
import {
  generateEd25519KeyPair,
  type HelloFrame,
  helloSigningString,
  type SessionHelloFrame,
  sessionAttestationSigningString,
  sessionHelloSigningString,
  signEd25519,
} from "@mesh/shared";
import { checkHelloCredentials, MAX_HELLO_SKEW_MS } from "./hello-checks.ts";

const keys = generateEd25519KeyPair();
const session = generateEd25519KeyPair();
const now = 1_800_000_000_000;
const HOUR = 3_600_000;

function hello(timestamp: number, signer = keys): HelloFrame {
  const fields = { meshId: "m1", memberId: "u1", pubkey: keys.publicKey, timestamp };
  return { type: "hello", ...fields, sessionId: "s", signature: signEd25519(signer, helloSigningString(fields)) };
}

/** A session_hello as claudemesh 1.30+ builds it: attested by the member, signed by the session key. */
function sessionHello(
  options: { timestamp?: number; expiresAt?: number; attester?: typeof keys; signer?: typeof keys } = {},
): SessionHelloFrame {
  const expiresAt = options.expiresAt ?? now + 12 * HOUR;
  const attestation = { parentMemberPubkey: keys.publicKey, sessionPubkey: session.publicKey, expiresAt };
  const fields = {
    meshId: "m1",
    parentMemberPubkey: keys.publicKey,
    sessionPubkey: session.publicKey,
    timestamp: options.timestamp ?? now,
  };
  return {
    type: "session_hello",
    ...fields,
    parentAttestation: {
      ...attestation,
      signature: signEd25519(options.attester ?? keys, sessionAttestationSigningString(attestation)),
    },
    sessionId: "launch-1",
    signature: signEd25519(options.signer ?? session, sessionHelloSigningString(fields)),
  };
}

const codeOf = (result: ReturnType<typeof checkHelloCredentials>) => (result.ok ? "ok" : result.problem.code);

describe("checkHelloCredentials: a member's hello", () => {
  test("accepts a fresh, correctly signed hello, naming no session key unless it gave one", () => {
    expect(checkHelloCredentials(hello(now), now)).toEqual({
      ok: true,
      identity: {
        meshId: "m1",
        memberId: "u1",
        memberPubkey: keys.publicKey,
        sessionPubkey: null,
        signerPubkey: "",
        timestamp: now,
      },
    });
    expect(codeOf(checkHelloCredentials(hello(now - MAX_HELLO_SKEW_MS), now))).toBe("ok");
    const withKey = checkHelloCredentials({ ...hello(now), sessionPubkey: session.publicKey }, now);
    expect(withKey.ok && withKey.identity.sessionPubkey).toBe(session.publicKey);
  });

  test("refuses a timestamp more than 60 s away, either side", () => {
    expect(codeOf(checkHelloCredentials(hello(now - MAX_HELLO_SKEW_MS - 1), now))).toBe("timestamp_skew");
    expect(codeOf(checkHelloCredentials(hello(now + MAX_HELLO_SKEW_MS + 1), now))).toBe("timestamp_skew");
  });

  test("refuses a signature by another key or over other fields", () => {
    expect(codeOf(checkHelloCredentials(hello(now, generateEd25519KeyPair()), now))).toBe("bad_signature");
    expect(codeOf(checkHelloCredentials({ ...hello(now), memberId: "u2" }, now))).toBe("bad_signature");
  });
});

describe("checkHelloCredentials: a session_hello", () => {
  test("accepts one attested by the member and signed by the session key; the session key is the signer", () => {
    expect(checkHelloCredentials(sessionHello(), now)).toEqual({
      ok: true,
      identity: {
        meshId: "m1",
        memberId: undefined,
        memberPubkey: keys.publicKey,
        sessionPubkey: session.publicKey,
        signerPubkey: session.publicKey,
        timestamp: now,
      },
    });
    expect(codeOf(checkHelloCredentials(sessionHello({ expiresAt: now + 24 * HOUR }), now))).toBe("ok");
  });

  test("refuses an attestation that has expired, runs past 24 h, or names other keys", () => {
    expect(codeOf(checkHelloCredentials(sessionHello({ expiresAt: now }), now))).toBe("bad_attestation");
    expect(codeOf(checkHelloCredentials(sessionHello({ expiresAt: now + 24 * HOUR + 1 }), now))).toBe(
      "bad_attestation",
    );
    const other = generateEd25519KeyPair().publicKey;
    const base = sessionHello();
    const mismatched = { ...base, parentAttestation: { ...base.parentAttestation, sessionPubkey: other } };
    expect(codeOf(checkHelloCredentials(mismatched, now))).toBe("bad_attestation");
  });

  test("refuses a forged attestation, a forged session signature, and a stale timestamp", () => {
    const stranger = generateEd25519KeyPair();
    expect(codeOf(checkHelloCredentials(sessionHello({ attester: stranger }), now))).toBe("bad_signature");
    expect(codeOf(checkHelloCredentials(sessionHello({ signer: stranger }), now))).toBe("bad_signature");
    // Signed by the member's key instead of the session's: not the session speaking.
    expect(codeOf(checkHelloCredentials(sessionHello({ signer: keys }), now))).toBe("bad_signature");
    const stale = sessionHello({ timestamp: now - MAX_HELLO_SKEW_MS - 1 });
    expect(codeOf(checkHelloCredentials(stale, now))).toBe("timestamp_skew");
  });
});
