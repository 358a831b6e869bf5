import { randomUUID } from "node:crypto";
import { helloSigningString, nextHelloTimestamp, signEd25519 } from "@mesh/shared";
import type { TestMember } from "./mesh-fixtures.ts";

/** A frame as the test sees it. */
export type Frame = Record<string, unknown> & { type: string };

/**
 * A real WebSocket to the broker that records every frame and the close.
 * Hold it with `await using`, so it closes even when the test fails and the
 * leak check after the test reports only sockets nobody owned.
 */
export interface TestSocket extends AsyncDisposable {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves with the next frame (after those already taken) that matches `type`/`predicate`; 10 s unless told. */
  next: (type?: string, predicate?: (f: Frame) => boolean, timeoutMs?: number) => Promise<Frame>;
  /** All frames of `type` received so far. */
  all: (type: string) => Frame[];
  send: (frame: unknown) => void;
  closed: Promise<{ code: number; reason: string }>;
  close: (code?: number) => Promise<{ code: number; reason: string }>;
}

const open = new Set<TestSocket>();

/** Sockets a test left open; an `afterEach` asserts there are none. */
export function openSockets(): number {
  return open.size;
}

/** Closes whatever a failed test left open. */
export async function closeLeftoverSockets(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

/** Opens `ws://127.0.0.1:<port>/ws` (or another path: the live view's `/view/ws`) and starts recording frames. */
export async function connect(port: number, path = "/ws"): Promise<TestSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const frames: Frame[] = [];
  const consumed = new Set<Frame>();
  const waiters: (() => void)[] = [];
  ws.onmessage = (e) => {
    frames.push(JSON.parse(String(e.data)) as Frame);
    for (const w of waiters.splice(0)) w();
  };
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.onclose = (e) => {
      open.delete(socket);
      resolve({ code: e.code, reason: e.reason });
      for (const w of waiters.splice(0)) w();
    };
  });
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("websocket did not open"));
  });

  const socket: TestSocket = {
    ws,
    frames,
    closed,
    all: (type) => frames.filter((f) => f.type === type),
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    next: async (type, predicate, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(
          (f) => !consumed.has(f) && (type === undefined || f.type === type) && (predicate?.(f) ?? true),
        );
        if (found) {
          consumed.add(found);
          return found;
        }
        const left = deadline - Date.now();
        if (left <= 0 || ws.readyState === WebSocket.CLOSED) {
          throw new Error(`no ${type ?? "frame"} within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: async (code = 1000) => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code);
      return closed;
    },
    [Symbol.asyncDispose]: async () => {
      await socket.close();
    },
  };
  open.add(socket);
  return socket;
}

/** Several sockets, closed together when the `await using` holding them ends. */
export function socketGroup<T extends TestSocket>(sockets: T[]): T[] & AsyncDisposable {
  return Object.assign(sockets, {
    [Symbol.asyncDispose]: async () => {
      await Promise.all(sockets.map((s) => s.close()));
    },
  });
}

/** A hello frame for `member`, signed now unless `overrides` says otherwise. */
export function helloFor(
  member: TestMember,
  overrides: Partial<{ timestamp: number; sessionId: string; pid: number; cwd: string; features: string[] }> = {},
): Record<string, unknown> {
  const timestamp = overrides.timestamp ?? nextHelloTimestamp();
  const fields = { meshId: member.meshId, memberId: member.id, pubkey: member.keys.publicKey, timestamp };
  return {
    type: "hello",
    ...fields,
    sessionId: overrides.sessionId ?? randomUUID(),
    pid: overrides.pid ?? 4242,
    cwd: overrides.cwd ?? `/home/agent/${member.displayName}`,
    signature: signEd25519(member.keys, helloSigningString(fields)),
    ...(overrides.features ? { features: overrides.features } : {}),
  };
}

/** Connects and says hello as `member`; resolves once `hello_ack` arrives. */
export async function session(
  port: number,
  member: TestMember,
  overrides: Parameters<typeof helloFor>[1] = {},
): Promise<TestSocket & { ack: Frame }> {
  const socket = await connect(port);
  socket.send(helloFor(member, overrides));
  const ack = await socket.next("hello_ack");
  return Object.assign(socket, { ack });
}

/** Sends `frame` (one with an `id`) and resolves with its answer: the `ack` or `error` of that id. */
export async function sendAndAck(s: TestSocket, frame: Record<string, unknown>): Promise<Frame> {
  s.send(frame);
  return s.next(undefined, (f) => (f.type === "ack" || f.type === "error") && f.id === frame.id);
}

/**
 * A `send` frame to a member (or `*`): priority `now` and placeholder base64
 * nonce and ciphertext unless `fields` says otherwise.
 */
export function sendFrameTo(to: TestMember | "*", fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "send",
    targetSpec: to === "*" ? "*" : to.keys.publicKey,
    priority: "now",
    nonce: "AAAA",
    ciphertext: "AAAA",
    ...fields,
  };
}

let tagged = 0;
/** A `send` frame whose ciphertext carries a readable tag (and a nonce of its own), so tests tell envelopes apart. */
export function taggedSendTo(to: TestMember | "*", tag: string, fields: Record<string, unknown> = {}) {
  tagged += 1;
  return sendFrameTo(to, {
    nonce: Buffer.from(`nonce-${tagged}`).toString("base64"),
    ciphertext: Buffer.from(tag).toString("base64"),
    ...fields,
  });
}

/** The tag of a frame made by {@link taggedSendTo}. */
export const tagOf = (f: Record<string, unknown>): string => Buffer.from(String(f.ciphertext), "base64").toString();

let controls = 0;
const CONTROL_TAG = /^control-\d+$/;
/**
 * Proves `receiver`'s push path live before a test trusts a silence on it:
 * `sender` sends a `now` control envelope to `recipient` (the member whose
 * session `receiver` is), and once its push arrives, resolves with every
 * push `receiver` got so far other than controls. A session is pushed its envelopes oldest
 * first, so whatever was queued for it before the control has arrived by then.
 */
export async function pushesUpToControl(
  sender: TestSocket,
  receiver: TestSocket,
  recipient: TestMember,
): Promise<Frame[]> {
  controls += 1;
  const tag = `control-${controls}`;
  sender.send(taggedSendTo(recipient, tag, { priority: "now", id: tag }));
  const answer = await sender.next(undefined, (f) => (f.type === "ack" || f.type === "error") && f.id === tag);
  if (answer.type !== "ack") throw new Error(`the control envelope was refused: ${JSON.stringify(answer)}`);
  await receiver.next("push", (f) => tagOf(f) === tag, 15_000);
  return receiver.all("push").filter((f) => !CONTROL_TAG.test(tagOf(f)));
}
