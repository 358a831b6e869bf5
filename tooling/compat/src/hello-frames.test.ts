import { describe, expect, test } from "bun:test";
import { attestSession, helloTimestamp, memberHello, sessionHello } from "./hello-frames.ts";
import { generateKeys, verifyDetached } from "./keys.ts";

const member = generateKeys();
const session = generateKeys();
const who = { meshId: "m-1", memberId: "u-1", member, sessionId: "42-1", pid: 42, cwd: "/home/agent/project" };
const extras = { sessionKeys: session, displayName: "agent", hostname: "devbox", channel: "claude-code" };

describe("claudemesh hellos", () => {
  test("v0.1 sends exactly its nine fields, signed over meshId|memberId|pubkey|timestamp", () => {
    const hello = memberHello("v0.1", who, extras, 1_767_225_600_000);
    expect(Object.keys(hello).sort()).toEqual(
      ["cwd", "meshId", "memberId", "pid", "pubkey", "sessionId", "signature", "timestamp", "type"].sort(),
    );
    expect(verifyDetached(member.publicKey, `m-1|u-1|${member.publicKey}|1767225600000`, String(hello.signature))).toBe(
      true,
    );
  });

  test("1.x adds the session key and its labels, outside the signature", () => {
    const hello = memberHello("1.x", who, extras, 1_767_225_600_000);
    expect(hello).toMatchObject({ sessionPubkey: session.publicKey, peerType: "ai", channel: "claude-code" });
    expect(verifyDetached(member.publicKey, `m-1|u-1|${member.publicKey}|1767225600000`, String(hello.signature))).toBe(
      true,
    );
  });

  test("session_hello: the member attests the session key, the session key signs the hello", () => {
    const attestation = attestSession(member.publicKey, session.publicKey, 1_767_268_800_000, member);
    const hello = sessionHello(who, session, attestation, { hostname: "devbox" }, 1_767_225_600_000);
    const attested = `claudemesh-session-attest|${member.publicKey}|${session.publicKey}|1767268800000`;
    expect(verifyDetached(member.publicKey, attested, attestation.signature)).toBe(true);
    const signed = `claudemesh-session-hello|m-1|${member.publicKey}|${session.publicKey}|1767225600000`;
    expect(verifyDetached(session.publicKey, signed, String(hello.signature))).toBe(true);
    expect(hello).toMatchObject({ type: "session_hello", parentMemberId: "u-1", channel: "claudemesh-session" });
  });

  test("timestamps never repeat within a process", () => {
    const stamps = Array.from({ length: 50 }, () => helloTimestamp());
    expect(new Set(stamps).size).toBe(50);
  });
});
