import { describe, expect, test } from "bun:test";
import { sealFor } from "./envelope.ts";
import { generateKeys } from "./keys.ts";
import { readPush } from "./push-reader.ts";

const member = generateKeys();
const session = generateKeys();
const peer = generateKeys();
const pushOf = (fields: Record<string, unknown>) => ({ type: "push", messageId: "m-1", ...fields });

describe("readPush, as each claudemesh line reads a push", () => {
  test("1.x opens with the session secret, then the member secret", () => {
    const toSession = pushOf({ ...sealFor(session.publicKey, "to the session", peer), senderPubkey: peer.publicKey });
    const toMember = pushOf({ ...sealFor(member.publicKey, "to the member", peer), senderPubkey: peer.publicKey });
    expect(readPush(toSession, "1.x", { session, member })).toMatchObject({
      text: "to the session",
      openedWith: "session",
    });
    expect(readPush(toMember, "1.x", { session, member })).toMatchObject({
      text: "to the member",
      openedWith: "member",
    });
    expect(readPush(toSession, "v0.1", { session: undefined, member }).text).toBeUndefined();
  });

  test("base64 text: 1.x reads it from any sender, v0.1 only from a push without one", () => {
    const plain = sealFor("*", "to everyone", peer);
    expect(readPush(pushOf({ ...plain, senderPubkey: peer.publicKey }), "1.x", { session, member })).toMatchObject({
      text: "to everyone",
      openedWith: "plaintext",
    });
    const fromPeer = readPush(pushOf({ ...plain, senderPubkey: peer.publicKey }), "v0.1", {
      session: undefined,
      member,
    });
    expect(fromPeer).toMatchObject({ text: undefined, openedWith: undefined });
    const anonymous = readPush(pushOf({ ...plain, senderPubkey: "" }), "v0.1", { session: undefined, member });
    expect(anonymous).toMatchObject({ text: "to everyone", openedWith: "plaintext" });
  });
});
