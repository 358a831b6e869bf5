import { classifyWs, mayGoUnanswered, type Verdict, type WsObservation } from "./classify.ts";
import type { DocumentedCodes } from "./documented-codes.ts";
import { signedHello } from "./generators/signed-hello.ts";
import type { WsFuzzContext, WsInput } from "./generators/ws-frames.ts";
import { preview, type Tally } from "./tally.ts";
import { WsProbe } from "./ws-probe.ts";

/** What the WebSocket lanes share. */
export interface WsLaneDeps {
  port: number;
  ctx: WsFuzzContext;
  docs: DocumentedCodes;
  tally: Tally;
  /** How long to wait for an answer before calling it silence. */
  replyTimeoutMs: number;
}

const failedToOpen = (e: unknown): Verdict => ({
  expected: false,
  reply: "no connection",
  why: `could not open a WebSocket: ${e instanceof Error ? e.message : String(e)}`,
});

/** Each input on a fresh socket that has not said hello. */
export async function runPreHelloLane(deps: WsLaneDeps, inputs: readonly WsInput[]): Promise<void> {
  for (const input of inputs) {
    const payload = input.build(deps.ctx);
    const sockets: WsProbe[] = [];
    try {
      if (input.replay) {
        const first = await WsProbe.open(deps.port);
        sockets.push(first);
        first.send(payload);
        await first.observe(true, deps.replyTimeoutMs);
      }
      const probe = await WsProbe.open(deps.port);
      sockets.push(probe);
      probe.send(payload);
      const obs = await probe.observe(input.expect.kind !== "answer", deps.replyTimeoutMs);
      deps.tally.record(input.cls, preview(payload), classifyWs(input.expect, obs, deps.docs));
    } catch (e: unknown) {
      deps.tally.record(input.cls, preview(payload), failedToOpen(e));
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  }
}

async function authenticate(deps: WsLaneDeps): Promise<WsProbe> {
  const probe = await WsProbe.open(deps.port);
  probe.send(JSON.stringify(signedHello(deps.ctx.attacker)));
  const obs = await probe.observe(true, 5000);
  const type = (obs.frames[0] as { type?: unknown } | undefined)?.type;
  if (type !== "hello_ack") throw new Error(`the attacker's hello was refused: ${JSON.stringify(obs)}`);
  return probe;
}

/**
 * Waits for the answer to a heartbeat tagged `sync-<n>`, so a late second
 * answer to the last input is caught here and not blamed on the next one.
 * Returns the error frames seen on the way.
 */
async function sync(probe: WsProbe, n: number, timeoutMs: number): Promise<unknown[]> {
  const tag = `sync-${n}`;
  probe.send(JSON.stringify({ type: "heartbeat", _reqId: tag }));
  const strays: unknown[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await probe.next(deadline - Date.now());
    if (!event || event.kind === "close") return strays;
    const frame = event.frame as { type?: unknown; _reqId?: unknown };
    if (frame._reqId === tag) return strays;
    if (frame.type === "error") strays.push(frame);
  }
}

/** Each input on the attacker's authenticated session; a new session after a close. */
export async function runSessionLane(deps: WsLaneDeps, inputs: readonly WsInput[]): Promise<void> {
  let probe: WsProbe | undefined;
  let n = 0;
  try {
    for (const input of inputs) {
      const payload = input.build(deps.ctx);
      try {
        probe ??= await authenticate(deps);
      } catch (e: unknown) {
        deps.tally.record(input.cls, preview(payload), failedToOpen(e));
        continue;
      }
      probe.send(payload);
      // A frame that may rightly go unanswered is judged by what arrives before the next sync's answer.
      const unanswerable = input.expect.kind === "answer" && mayGoUnanswered(payload);
      const obs: WsObservation = unanswerable
        ? { frames: [], close: undefined }
        : await probe.observe(input.expect.kind === "too_big", deps.replyTimeoutMs);
      const strays = obs.close ? [] : await sync(probe, n++, deps.replyTimeoutMs);
      const expectation = unanswerable ? ({ kind: "answer_or_silence" } as const) : input.expect;
      const verdict = classifyWs(expectation, { ...obs, frames: [...obs.frames, ...strays] }, deps.docs);
      deps.tally.record(input.cls, preview(payload), verdict);
      if (probe.closed) probe = undefined;
    }
  } finally {
    await probe?.close();
  }
}
