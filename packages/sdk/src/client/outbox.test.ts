import { describe, expect, test } from "bun:test";
import { ErrorCode } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import { isTransientSendFailure, Outbox, type OutgoingSend, type SendResult, sendsToResend } from "./outbox.ts";

const frame = (id: string): OutgoingSend => ({
  type: "send",
  targetSpec: "*",
  priority: "next",
  nonce: "bm9uY2U=",
  ciphertext: "Y2lwaGVy",
  id,
});

/** An outbox writing into `written`; `session.open` says whether a session exists. */
function outboxWith(options: { sendTimeoutMs?: number } = {}) {
  const written: string[] = [];
  const session = { open: true };
  let onWrite = () => {};
  const outbox = new Outbox({
    write: (f) => {
      written.push(f.id);
      onWrite();
    },
    inSession: () => session.open,
    backoff: { initialMs: 1, maxMs: 1 },
    sendTimeoutMs: options.sendTimeoutMs ?? 60_000,
  });
  const nextWrite = () =>
    new Promise<void>((resolve) => {
      onWrite = resolve;
    });
  return { outbox, written, session, nextWrite };
}

/** How a send settled, without throwing. */
const outcome = (p: Promise<SendResult>): Promise<{ result?: SendResult; error?: MeshError }> =>
  p.then(
    (result) => ({ result }),
    (error: unknown) => ({ error: error as MeshError }),
  );

describe("which sends go out again", () => {
  test("all but those waiting out a retry pause", () => {
    const sends = [{ id: "a" }, { id: "b", retryTimer: 1 }, { id: "c", retryTimer: undefined }];
    expect(sendsToResend(sends).map((s) => s.id)).toEqual(["a", "c"]);
  });

  test("only refusals where the broker stored nothing are retried", () => {
    for (const code of [ErrorCode.dbUnavailable, ErrorCode.rateLimited, ErrorCode.queueFull]) {
      expect(isTransientSendFailure(code)).toBe(true);
    }
    expect(isTransientSendFailure(ErrorCode.unknownRecipient)).toBe(false);
  });
});

describe("Outbox", () => {
  test("a send goes out at once in a session, waits for one otherwise, and goes again on every new session", async () => {
    const { outbox, written, session } = outboxWith();
    const first = outcome(outbox.add("a", () => frame("a")));
    session.open = false;
    const second = outcome(outbox.add("b", () => frame("b")));
    expect(written).toEqual(["a"]);
    session.open = true;
    outbox.resend();
    expect(written).toEqual(["a", "a", "b"]);

    outbox.acknowledge({ type: "ack", id: "a", messageId: "m1", queued: true, recipients: 2 });
    outbox.acknowledge({ type: "ack", id: null, messageId: "m9", queued: true, recipients: 1 });
    expect(await first).toEqual({ result: { id: "a", messageId: "m1", recipients: 2, duplicate: false } });
    expect(outbox.has("a")).toBe(false);
    expect(outbox.has("b")).toBe(true);
    outbox.rejectAll(() => new MeshError("closed", "closed"));
    expect((await second).error?.code).toBe("closed");
  });

  test("a transient refusal is written again after a pause, not at the next session; another rejects", async () => {
    const { outbox, written, nextWrite } = outboxWith();
    const retried = outcome(outbox.add("a", () => frame("a")));
    const refused = outcome(outbox.add("b", () => frame("b")));
    written.length = 0;

    expect(outbox.refuse("a", new MeshError(ErrorCode.queueFull, "full"))).toBe(true);
    outbox.resend();
    expect(written).toEqual(["b"]);
    const retry = nextWrite();
    await retry;
    expect(written).toEqual(["b", "a"]);

    expect(outbox.refuse("b", new MeshError(ErrorCode.unknownRecipient, "who?"))).toBe(true);
    expect((await refused).error?.code).toBe(ErrorCode.unknownRecipient);
    expect(outbox.refuse("b", new MeshError(ErrorCode.unknownRecipient, "who?"))).toBe(false);

    outbox.acknowledge({ type: "ack", id: "a", messageId: "m1", queued: true, recipients: 1, duplicate: true });
    expect((await retried).result?.duplicate).toBe(true);
  });

  test("each write builds the frame anew, for the session it goes out on", async () => {
    const written: string[] = [];
    let form = "sealed";
    const sent = new Outbox({
      write: (f) => written.push(`${f.id}:${f.ciphertext}`),
      inSession: () => true,
      backoff: { initialMs: 1, maxMs: 1 },
      sendTimeoutMs: 60_000,
    });
    const pending = outcome(sent.add("a", () => ({ ...frame("a"), ciphertext: form })));
    form = "plain";
    sent.resend();
    expect(written).toEqual(["a:sealed", "a:plain"]);
    sent.acknowledge({ type: "ack", id: "a", messageId: "m1", queued: true, recipients: 1, duplicate: true });
    expect((await pending).result).toEqual({ id: "a", messageId: "m1", recipients: 1, duplicate: true });
    expect(sent.has("a")).toBe(false);
  });

  test("a send unanswered past its deadline is rejected with send_timeout", async () => {
    const { outbox } = outboxWith({ sendTimeoutMs: 5 });
    const { error } = await outcome(outbox.add("a", () => frame("a")));
    expect(error?.code).toBe("send_timeout");
    expect(outbox.has("a")).toBe(false);
  });
});
