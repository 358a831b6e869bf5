import { classifyHttp, type Verdict } from "./classify.ts";
import type { DocumentedCodes } from "./documented-codes.ts";
import { validHookBody } from "./generators/http-bodies.ts";
import type { Prng } from "./prng.ts";
import { type StallOutcome, stallBody, stallHead, trickleBody } from "./slow-http.ts";
import type { Tally } from "./tally.ts";

/** What the slow-client lane needs. */
export interface SlowLaneDeps {
  port: number;
  docs: DocumentedCodes;
  tally: Tally;
  /** How long a stalled request may stay open before it counts as held without bound. */
  stallLimitMs: number;
}

/** A trickled request must get a documented answer like any other. */
function trickleVerdict(o: StallOutcome, docs: DocumentedCodes, successAllowed: boolean): Verdict {
  if (o.response) return classifyHttp(o.response, docs, successAllowed);
  return {
    expected: false,
    reply: o.outcome,
    why: `no answer to a trickled body (${o.outcome} after ${o.afterMs} ms)`,
  };
}

/** A stalled request may be answered (4xx) or dropped, but not held open without bound. */
function stallVerdict(o: StallOutcome, docs: DocumentedCodes): Verdict {
  if (o.response) return classifyHttp(o.response, docs, false);
  const reply = `${o.outcome} after ${Math.round(o.afterMs / 1000)} s`;
  if (o.outcome === "closed")
    return { expected: true, reply: `closed by the broker after ~${Math.round(o.afterMs / 1000)} s` };
  return { expected: false, reply, why: `a stalled request was still open after ${o.afterMs} ms` };
}

/**
 * Slow clients, all at once: two bodies trickled a byte at a time (one
 * valid, one not), a body that stops half way, and a head that stops half
 * way. Each waits for the broker, so the lane lasts about `stallLimitMs`.
 */
export async function runSlowLane(deps: SlowLaneDeps, rng: Prng): Promise<void> {
  const { port, docs, tally, stallLimitMs } = deps;
  const valid = JSON.stringify(validHookBody(rng));
  const broken = `{"cwd":"/home/fuzz/slow","status":${rng.pick(["1", "null", '"asleep"', "[]"])}}`;
  const half = valid.slice(0, Math.floor(valid.length / 2));
  const tasks: Promise<void>[] = [
    trickleBody(port, "/hook/set-status", valid, 10, stallLimitMs).then((o) =>
      tally.record("slow body (byte by byte)", `trickled ${valid}`, trickleVerdict(o, docs, true)),
    ),
    trickleBody(port, "/join", broken, 10, stallLimitMs).then((o) =>
      tally.record("slow body (byte by byte)", `trickled ${broken}`, trickleVerdict(o, docs, false)),
    ),
    stallBody(port, "/hook/set-status", valid.length, half, stallLimitMs).then((o) =>
      tally.record("stalled body", `${half.length} of ${valid.length} bytes, then nothing`, stallVerdict(o, docs)),
    ),
    stallHead(port, stallLimitMs).then((o) =>
      tally.record("stalled head", "half a request head, then nothing", stallVerdict(o, docs)),
    ),
  ];
  await Promise.all(tasks);
}
