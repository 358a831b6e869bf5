import { describe, expect, test } from "bun:test";
import type { PushFrame } from "@mesh/shared";
import type { OpenedEnvelope } from "../crypto/envelope-cipher.ts";
import type { MeshError } from "../mesh-error.ts";
import { Inbox, type ReceivedMessage } from "./inbox.ts";

const push = (n: number, ciphertext = `text-${n}`): PushFrame => ({
  type: "push",
  messageId: `m-${n}`,
  brokerMessageId: String(n),
  meshId: "mesh",
  senderPubkey: "ab".repeat(32),
  priority: "now",
  nonce: "bm9uY2U=",
  ciphertext,
  createdAt: "2026-01-01T00:00:00.000Z",
});

/** An inbox whose "cipher" reads `plain:` ciphertexts as unencrypted text, `sealed:` as encrypted, anything else not at all. */
function inboxWith() {
  const acknowledged: string[] = [];
  const reported: MeshError[] = [];
  const open = (p: PushFrame): OpenedEnvelope | undefined => {
    const [kind, text] = p.ciphertext.split(":");
    if (text === undefined) return undefined;
    return { text, encrypted: kind === "sealed" };
  };
  const inbox = new Inbox({ open, acknowledge: (id) => acknowledged.push(id), report: (e) => reported.push(e) }, 100);
  return { inbox, acknowledged, reported };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Inbox", () => {
  test("hands each message on with whether a key opened it, then acknowledges it", async () => {
    const { inbox, acknowledged } = inboxWith();
    const received: ReceivedMessage[] = [];
    inbox.setHandler((m) => {
      received.push(m);
    });
    inbox.accept(push(1, "sealed:secret"));
    inbox.accept(push(2, "plain:in the clear"));
    await settled();
    expect(received.map((m) => [m.text, m.encrypted])).toEqual([
      ["secret", true],
      ["in the clear", false],
    ]);
    expect(acknowledged).toEqual(["1", "2"]);
  });

  test("an envelope that does not open is reported as undecryptable, acknowledged, and never handed on", async () => {
    const { inbox, acknowledged, reported } = inboxWith();
    const received: ReceivedMessage[] = [];
    inbox.setHandler((m) => {
      received.push(m);
    });
    inbox.accept(push(1, "garbage"));
    inbox.accept(push(2, "sealed:after"));
    await settled();
    expect(received.map((m) => m.text)).toEqual(["after"]);
    expect(reported.map((e) => e.code)).toEqual(["undecryptable"]);
    expect(acknowledged).toEqual(["1", "2"]);
  });

  test("a session lost while the handler runs: the next session's messages are still handled, a redelivery once", async () => {
    const { inbox, acknowledged } = inboxWith();
    const received: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    inbox.setHandler(async (m) => {
      received.push(m.text);
      if (m.text === "first") await held;
    });
    inbox.accept(push(1, "sealed:first"));
    await settled();
    // The session drops and a new one brings the first envelope again (another queue row) and a new one.
    inbox.clear();
    inbox.accept({ ...push(1, "sealed:first"), brokerMessageId: "11" });
    inbox.accept(push(2, "sealed:second"));
    release();
    await settled();
    await settled();
    expect(received).toEqual(["first", "second"]);
    expect(acknowledged).toEqual(["1", "11", "2"]);
  });
});
