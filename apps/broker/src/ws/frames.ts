import { CloseCode, type ErrorCode, type ServerFrame } from "@mesh/shared";
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
