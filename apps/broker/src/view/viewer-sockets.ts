import { CloseCode, ErrorCode } from "@mesh/shared";
import type { OperatorCredential } from "../admin/operator-credential.ts";
import type { Logger } from "../lib/logger.ts";
import type { SocketHandlers } from "../server/server.ts";
import { VIEW_BOUNDS } from "./view-bounds.ts";
import type { ViewHub } from "./view-hub.ts";
import { refuseViewer, ViewCloseReason, viewerAuthFrame } from "./viewer-frames.ts";

/**
 * Bun's callbacks for `/view/ws` sockets: the first frame must carry the
 * operator token, within `VIEW_BOUNDS.authTimeoutMs`; anything else, before
 * or after, closes the socket. An authenticated viewer only listens.
 */
export function createViewerSockets(deps: {
  hub: ViewHub;
  credential: OperatorCredential;
  log: Logger;
}): SocketHandlers {
  const { hub, credential, log } = deps;
  return {
    open: (ws) => {
      // Upgrades that passed the route's check together may overshoot the bound: the extra ones go here.
      if (hub.sockets >= VIEW_BOUNDS.maxSockets) {
        ws.close(CloseCode.policy, ErrorCode.capacity);
        return;
      }
      hub.opened(ws);
      const viewer = ws.data.viewer;
      if (!viewer) return;
      viewer.authTimer = setTimeout(() => {
        viewer.authTimer = undefined;
        if (!viewer.authenticated) {
          refuseViewer(ws, ViewCloseReason.authTimeout, `no auth frame within ${VIEW_BOUNDS.authTimeoutMs} ms`);
        }
      }, VIEW_BOUNDS.authTimeoutMs);
    },
    message: (ws, raw) => {
      const viewer = ws.data.viewer;
      if (!viewer || ws.data.phase === "closed") return;
      if (viewer.authenticated) {
        refuseViewer(ws, ViewCloseReason.unexpectedFrame, "a viewer sends nothing after its auth frame");
        return;
      }
      clearTimeout(viewer.authTimer);
      viewer.authTimer = undefined;
      if (raw.length > VIEW_BOUNDS.maxInboundFrameBytes) {
        ws.close(CloseCode.tooBig, ViewCloseReason.malformed);
        return;
      }
      let frame: unknown;
      try {
        frame = JSON.parse(typeof raw === "string" ? raw : raw.toString("utf8"));
      } catch {
        frame = undefined;
      }
      const auth = viewerAuthFrame.safeParse(frame);
      if (!auth.success) {
        refuseViewer(ws, ViewCloseReason.malformed, 'the first frame must be {"type":"auth","token":"…"}');
        return;
      }
      if (!credential.verify(auth.data.token)) {
        log.warn({ remote: ws.remoteAddress }, "live viewer refused: not the operator token");
        refuseViewer(ws, ViewCloseReason.unauthorized, "not the operator token");
        return;
      }
      viewer.authenticated = true;
      log.info({ remote: ws.remoteAddress, viewers: hub.sockets }, "live viewer connected");
      hub.authenticated(ws);
    },
    close: (ws) => {
      ws.data.phase = "closed";
      const viewer = ws.data.viewer;
      if (viewer) clearTimeout(viewer.authTimer);
      hub.closed(ws);
    },
  };
}
