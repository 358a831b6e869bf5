import { isDatabaseUnavailable } from "@mesh/db";
import { CloseCode, ErrorCode, type ServerFrame, toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import type { BrokerSocket } from "./session.ts";

/** Sends one frame as JSON text. */
export function sendFrame(ws: BrokerSocket, frame: ServerFrame): void {
  ws.send(JSON.stringify(frame));
}

/** Sends an `error` frame; the session stays open. */
export function sendError(
  ws: BrokerSocket,
  code: ErrorCode,
  message: string,
  extra: { id?: string | undefined; _reqId?: string | number | undefined } = {},
): void {
  sendFrame(ws, {
    type: "error",
    code,
    message,
    ...(extra.id !== undefined ? { id: extra.id } : {}),
    ...(extra._reqId !== undefined ? { _reqId: extra._reqId } : {}),
  });
}

/** Sends an `error` frame, then closes with 1008 and the code as reason (hello refusals). */
export function refuse(ws: BrokerSocket, code: ErrorCode, message: string): void {
  sendError(ws, code, message);
  ws.close(CloseCode.policy, code);
}

/**
 * Answers a failed database call: `db_unavailable` when Postgres is away
 * (nothing was stored), else a logged `internal`. Returns the code sent.
 */
export function sendDbFailure(
  ws: BrokerSocket,
  log: Logger,
  e: unknown,
  what: string,
  extra: { id?: string | undefined; _reqId?: string | number | undefined } = {},
): ErrorCode {
  if (isDatabaseUnavailable(e)) {
    sendError(
      ws,
      ErrorCode.dbUnavailable,
      "the database is unreachable or read-only; nothing was stored, retry later",
      extra,
    );
    return ErrorCode.dbUnavailable;
  }
  log.error({ err: toError(e), frame: what }, "frame failed");
  sendError(ws, ErrorCode.internal, "internal error", extra);
  return ErrorCode.internal;
}
