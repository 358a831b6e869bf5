import { CloseCode } from "@mesh/shared";
import { ViewCloseReason } from "./viewer-frames.ts";

/** The part of a Bun WebSocket a push to a viewer uses. */
export interface ViewerOutlet {
  send: (text: string) => number;
  getBufferedAmount: () => number;
  close: (code: number, reason: string) => void;
}

/**
 * Sends one frame to a viewer, and drops the viewer (1008 `slow_viewer`)
 * when Bun refused the frame or the viewer has left more than `maxBuffered`
 * bytes unread: a viewer that stops reading costs a bounded amount of
 * memory, never a growing one.
 */
export function sendToViewer(ws: ViewerOutlet, text: string, maxBuffered: number): "sent" | "dropped" {
  const sent = ws.send(text);
  if (sent !== 0 && ws.getBufferedAmount() <= maxBuffered) return "sent";
  ws.close(CloseCode.policy, ViewCloseReason.slowViewer);
  return "dropped";
}
