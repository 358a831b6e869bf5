import {
  ErrorCode,
  type HelloFrame,
  helloFrame,
  type IgnoreReason,
  ignoredFrameReason,
  type SessionFrame,
  type SessionFrameType,
  type SessionHelloFrame,
  sessionFrameSchemas,
  sessionHelloFrame,
} from "@mesh/shared";
import type { z } from "zod";
import { unstorableTextPath } from "../lib/storable-text.ts";

/** Why a frame was refused, with what the answer should echo. */
export interface FrameProblem {
  code: ErrorCode;
  message: string;
  type: string | undefined;
  id: string | undefined;
  reqId: string | number | undefined;
}

type Parsed<T> = { ok: true; frame: T } | { ok: false; problem: FrameProblem };

/** A frame the session's handlers never see, and why. */
export type Ignored = { ok: "ignored"; reason: IgnoreReason; type: string };

/** JSON object with a string `type`, or a `malformed` problem. */
function decode(raw: string | Buffer): Parsed<Record<string, unknown> & { type: string }> {
  if (typeof raw !== "string") return fail(ErrorCode.malformed, "frames are JSON text, not binary", {});
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fail(ErrorCode.malformed, "the frame is not valid JSON", {});
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(ErrorCode.malformed, "the frame is not a JSON object", {});
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.type !== "string") return fail(ErrorCode.malformed, "the frame has no string `type`", obj);
  return { ok: true, frame: obj as Record<string, unknown> & { type: string } };
}

function fail(code: ErrorCode, message: string, obj: Record<string, unknown>): { ok: false; problem: FrameProblem } {
  const reqId = obj._reqId;
  return {
    ok: false,
    problem: {
      code,
      message,
      type: typeof obj.type === "string" ? obj.type : undefined,
      id: typeof obj.id === "string" ? obj.id : undefined,
      reqId: typeof reqId === "string" || typeof reqId === "number" ? reqId : undefined,
    },
  };
}

/**
 * The first frame of a session: a valid `hello` or `session_hello`, `no_hello`
 * for another type, `bad_session_pubkey` for a session or parent key that is
 * not 64 lower-case hex characters, else `malformed`.
 */
export function parseHello(raw: string | Buffer): Parsed<HelloFrame | SessionHelloFrame> {
  const decoded = decode(raw);
  if (!decoded.ok) return decoded;
  const obj = decoded.frame;
  if (obj.type !== "hello" && obj.type !== "session_hello") {
    return fail(ErrorCode.noHello, "the first frame must be a hello", obj);
  }
  const parsed = (obj.type === "hello" ? helloFrame : sessionHelloFrame).safeParse(obj);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path;
    const keyField = field?.length === 1 && (field[0] === "sessionPubkey" || field[0] === "parentMemberPubkey");
    return fail(keyField ? ErrorCode.badSessionPubkey : ErrorCode.malformed, describe(parsed.error), obj);
  }
  return storable(parsed.data, obj);
}

/** The field-specific codes (docs/protocol.md#send, #set_status) for a frame that failed its schema; `malformed` otherwise. */
function codeFor(type: SessionFrameType, obj: Record<string, unknown>, error: z.ZodError): ErrorCode {
  const field = error.issues[0]?.path[0];
  if (typeof field !== "string" || typeof obj[field] !== "string") return ErrorCode.malformed;
  if (type === "send") {
    if (field === "priority") return ErrorCode.badPriority;
    if (field === "nonce" || field === "ciphertext") return ErrorCode.badBase64;
    if (field === "targetSpec") return ErrorCode.unknownRecipient;
  }
  if ((type === "set_status" || type === "heartbeat") && field === "status") return ErrorCode.badStatus;
  return ErrorCode.malformed;
}

/** `_reqId` is only echoed back, never stored. */
const ECHOED_ONLY = new Set(["_reqId"]);

/** The frame, or `malformed` when a field holds text Postgres cannot store (NUL, a lone surrogate). */
function storable<T>(frame: T, obj: Record<string, unknown>): Parsed<T> {
  const path = unstorableTextPath(frame, ECHOED_ONLY);
  if (path === undefined) return { ok: true, frame };
  return fail(ErrorCode.malformed, `${path}: NUL and lone surrogates are not accepted`, obj);
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join(".") || "frame"}: ${issue?.message ?? "invalid"}`;
}

/** A frame of an authenticated session, the problem with it, or why it is ignored. */
export function parseSessionFrame(raw: string | Buffer): Parsed<SessionFrame> | Ignored {
  const decoded = decode(raw);
  if (!decoded.ok) return decoded;
  const obj = decoded.frame;
  if (obj.type === "hello") return fail(ErrorCode.alreadyAuthenticated, "this session already said hello", obj);
  const ignored = ignoredFrameReason(obj);
  if (ignored) return { ok: "ignored", reason: ignored, type: obj.type.slice(0, 64) };
  if (!Object.hasOwn(sessionFrameSchemas, obj.type)) {
    return fail(ErrorCode.unknownType, `unknown frame type ${JSON.stringify(obj.type.slice(0, 64))}`, obj);
  }
  const type = obj.type as SessionFrameType;
  const parsed = sessionFrameSchemas[type].safeParse(obj);
  if (!parsed.success) return fail(codeFor(type, obj, parsed.error), describe(parsed.error), obj);
  return storable(parsed.data as SessionFrame, obj);
}
