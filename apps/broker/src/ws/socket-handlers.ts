import { ErrorCode } from "@mesh/shared";
import type { Logger } from "../log/logger.ts";
import type { SocketHandlers } from "../server.ts";
import type { SessionRegistry } from "./session-registry.ts";

/**
 * The WebSocket skeleton: tracks sockets so shutdown can close them. The
 * agent protocol (hello, send, push …) plugs in here.
 */
export function createSocketHandlers(deps: { sessions: SessionRegistry; log: Logger }): SocketHandlers {
  return {
    open: (ws) => deps.sessions.add(ws),
    message: (ws) => {
      ws.send(JSON.stringify({ type: "error", code: ErrorCode.internal, message: "protocol not implemented" }));
    },
    close: (ws, code) => {
      deps.sessions.remove(ws);
      deps.log.debug({ code }, "ws close");
    },
  };
}
