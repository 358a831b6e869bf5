import { CloseCode, ErrorCode } from "@mesh/shared";
import { z } from "zod";
import type { BrokerSocket } from "../sessions/session.ts";
import type { ViewServerFrame } from "./view-state.ts";

/** The one frame a viewer sends: first, with the operator token. */
export const viewerAuthFrame = z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(512) });

/**
 * Why the broker closes a viewer (the close reason; an `error` frame with the
 * same code comes first when the viewer may still read it). Documented in
 * docs/live-view.md.
 */
export const ViewCloseReason = {
  /** The first frame was not `{"type":"auth","token":…}`. */
  malformed: ErrorCode.malformed,
  /** The token is not the operator token. */
  unauthorized: ErrorCode.unauthorized,
  /** No auth frame within `VIEW_BOUNDS.authTimeoutMs`. */
  authTimeout: "auth_timeout",
  /** A frame after the auth frame: a viewer only listens. */
  unexpectedFrame: "unexpected_frame",
  /** The viewer left more than `VIEW_BOUNDS.maxBufferedBytes` unread. */
  slowViewer: "slow_viewer",
  /** The view is shutting down with the broker. */
  shuttingDown: "broker shutting down",
} as const;

/** Sends an `error` frame, then closes with 1008 and the code as reason. */
export function refuseViewer(ws: BrokerSocket, code: string, message: string): void {
  const frame: ViewServerFrame = { type: "error", code, message };
  ws.send(JSON.stringify(frame));
  ws.close(CloseCode.policy, code);
}
