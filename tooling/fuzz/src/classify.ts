import { ignoredFrameReason, setSummaryFrame } from "@mesh/shared";
import type { DocumentedCodes } from "./documented-codes.ts";

/** What a WebSocket input should get. */
export type WsExpectation =
  /** Before hello: an `error` frame then close 1008 with the code as reason (or `hello_ack` when the hello may be valid). */
  | { kind: "refusal"; mayAuthenticate: boolean }
  /** On an authenticated session: some answer frame, and the session stays open. */
  | { kind: "answer" }
  /** On an authenticated session, a frame that may go unanswered (see {@link mayGoUnanswered}); the session stays open. */
  | { kind: "answer_or_silence" }
  /** Larger than `MAX_MESSAGE_BYTES`: close 1009. */
  | { kind: "too_big" };

/** What came back for one WebSocket input (pushes already left out). */
export interface WsObservation {
  frames: readonly unknown[];
  close: { code: number; reason: string } | undefined;
}

/** What came back for one HTTP input. */
export interface HttpObservation {
  method: string;
  status: number;
  contentType: string;
  body: string;
}

/** The verdict on one reply, with a short label of the reply for the breakdown. */
export type Verdict = { expected: true; reply: string } | { expected: false; reply: string; why: string };

const SESSION_ANSWERS = new Set(["ack", "status", "peers_list"]);

const ok = (reply: string): Verdict => ({ expected: true, reply });
const bad = (reply: string, why: string): Verdict => ({ expected: false, reply, why });

function frameType(frame: unknown): string | undefined {
  return typeof frame === "object" && frame !== null && typeof (frame as { type?: unknown }).type === "string"
    ? (frame as { type: string }).type
    : undefined;
}

function errorCodeOf(frame: unknown): unknown {
  return (frame as { code?: unknown }).code;
}

/** Why an error code is not acceptable as a reply to hostile input, or undefined when it is. */
function codeProblem(code: unknown, docs: DocumentedCodes): string | undefined {
  if (typeof code !== "string") return "error without a string code";
  if (!docs.errorCodes.has(code)) return `undocumented error code ${JSON.stringify(code)}`;
  if (code === "internal") return "internal error";
  // Postgres is up for the whole run: a refusal that blames it is a broker bug.
  if (code === "db_unavailable") return "db_unavailable while Postgres is up";
  return undefined;
}

function describeWs(obs: WsObservation): string {
  const parts = obs.frames.map((f) => {
    const type = frameType(f) ?? "non-frame";
    return type === "error" ? `error ${String(errorCodeOf(f))}` : type;
  });
  if (obs.close) parts.push(`close ${obs.close.code}`);
  return parts.length > 0 ? parts.join(", ") : "silence";
}

/** Classifies the reply to one WebSocket input against docs/protocol.md#hello-checks and #error-codes. */
export function classifyWs(expectation: WsExpectation, obs: WsObservation, docs: DocumentedCodes): Verdict {
  const reply = describeWs(obs);
  if (obs.close && !docs.closeCodes.has(obs.close.code))
    return bad(reply, `close code ${obs.close.code} not in CloseCode`);
  if (expectation.kind === "too_big") {
    return obs.close?.code === 1009 ? ok(reply) : bad(reply, "an oversize frame must close the socket with 1009");
  }
  const [first] = obs.frames;
  if (first === undefined) {
    if (obs.close) return bad(reply, "closed without an error frame");
    return expectation.kind === "answer_or_silence" ? ok(reply) : bad(reply, "silence where an answer is required");
  }
  const type = frameType(first);
  if (expectation.kind === "refusal") {
    if (type === "hello_ack") {
      return expectation.mayAuthenticate ? ok(reply) : bad(reply, "a hostile hello was authenticated");
    }
    if (type !== "error") return bad(reply, `unexpected ${type ?? "non-frame"} before hello`);
    const problem = codeProblem(errorCodeOf(first), docs);
    if (problem) return bad(reply, problem);
    if (!obs.close) return bad(reply, "a refused hello must be followed by a close");
    if (obs.close.code !== 1008) return bad(reply, `refusal closed with ${obs.close.code}, not 1008`);
    if (obs.close.reason !== errorCodeOf(first)) return bad(reply, "the close reason is not the error code");
    return ok(reply);
  }
  if (obs.close) return bad(reply, `the session was closed (${obs.close.code}) instead of answered`);
  // Every error frame counts, including a late second answer caught by the caller.
  for (const frame of obs.frames) {
    const problem = frameType(frame) === "error" ? codeProblem(errorCodeOf(frame), docs) : undefined;
    if (problem) return bad(reply, problem);
  }
  if (type === "error") return ok(reply);
  return type !== undefined && SESSION_ANSWERS.has(type) ? ok(reply) : bad(reply, `unexpected ${type ?? "non-frame"}`);
}

/**
 * Classifies one HTTP reply: a documented `{ok:false, error}` with the status
 * DEPLOY.md gives for that code, or a 2xx when the input may be valid.
 */
export function classifyHttp(obs: HttpObservation, docs: DocumentedCodes, successAllowed: boolean): Verdict {
  const label = `${obs.status}`;
  if (obs.status >= 200 && obs.status < 300) {
    return successAllowed ? ok(label) : bad(label, "a hostile request succeeded");
  }
  if (obs.status >= 500 && obs.status !== 503) return bad(label, `HTTP ${obs.status}`);
  // A HEAD answer has no body; its status must still be one DEPLOY.md documents.
  if (obs.method === "HEAD") {
    return [...docs.httpStatus.values()].includes(obs.status) ? ok(label) : bad(label, "undocumented status");
  }
  let body: unknown;
  try {
    body = JSON.parse(obs.body);
  } catch {
    return bad(label, `non-JSON error body (${obs.contentType || "no content type"})`);
  }
  const error = (body as { error?: unknown } | null)?.error;
  const reply = `${obs.status} ${String(error)}`;
  if ((body as { ok?: unknown }).ok !== false) return bad(reply, "error body without ok:false");
  const problem = codeProblem(error, docs);
  if (problem) return bad(reply, problem);
  const status = docs.httpStatus.get(error as string);
  if (status === undefined) return bad(reply, "code missing from DEPLOY.md's HTTP table");
  if (status !== obs.status) return bad(reply, `DEPLOY.md gives ${status} for this code`);
  return ok(reply);
}

/**
 * Whether the broker may rightly answer nothing to this session frame: one
 * it ignores by the protocol's own rule (`ignoredFrameReason`), or a valid
 * `set_summary` (fire-and-forget).
 */
export function mayGoUnanswered(payload: string | Uint8Array): boolean {
  if (typeof payload !== "string") return false;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const frame = value as Record<string, unknown>;
  if (typeof frame.type !== "string") return false;
  if (ignoredFrameReason(frame as Record<string, unknown> & { type: string }) !== undefined) return true;
  return frame.type === "set_summary" && setSummaryFrame.safeParse(frame).success;
}
