import { ErrorCode } from "@mesh/shared";
import type { Server, ServerWebSocket } from "bun";
import type { Config } from "../config/index.ts";
import type { Logger } from "../lib/logger.ts";
import { newSocketData, type SocketData } from "../sessions/session.ts";
import { BrokerError } from "./broker-error.ts";
import { createRouter, type Handler, type Routes } from "./router.ts";

/** What the WebSocket layer plugs into the server. */
export interface SocketHandlers {
  open: (ws: ServerWebSocket<SocketData>) => void;
  message: (ws: ServerWebSocket<SocketData>, message: string | Buffer) => void | Promise<void>;
  close: (ws: ServerWebSocket<SocketData>, code: number, reason: string) => void;
  pong?: (ws: ServerWebSocket<SocketData>) => void;
  drain?: (ws: ServerWebSocket<SocketData>) => void;
}

/** The listening broker: one port, HTTP routes plus `/ws`. */
export interface BrokerServer {
  server: Server<SocketData>;
  /** Stops accepting connections; open sockets are the caller's to close first. */
  stop: () => Promise<void>;
}

/** Upgrades `GET /ws` to a WebSocket, or answers 426 to a plain request. */
export function upgradeHandler(): Handler {
  return (req, server) => {
    if (server.upgrade(req, { data: newSocketData() })) return undefined;
    throw new BrokerError(ErrorCode.upgradeRequired, 426, "GET /ws must be a WebSocket upgrade", {
      headers: { upgrade: "websocket" },
    });
  };
}

/** Bun's own request-body ceiling: never reached by a body a handler reads. */
const MAX_REQUEST_BODY_BYTES = 2 ** 30;

/** Starts `Bun.serve` on the configured port with the given routes and socket handlers. */
export function startServer(deps: {
  config: Config;
  log: Logger;
  routes: Routes;
  sockets: SocketHandlers;
  /** The live view's sockets (`ws.data.kind` "viewer"), when it is enabled. */
  viewerSockets?: SocketHandlers | undefined;
}): BrokerServer {
  const { config, log } = deps;
  const route = createRouter(deps.routes, log);
  const viewers = deps.viewerSockets;
  // One server, two kinds of socket: each callback goes to the handlers of the endpoint the socket came in by.
  const handlersOf = (ws: ServerWebSocket<SocketData>): SocketHandlers =>
    ws.data.kind === "viewer" && viewers ? viewers : deps.sockets;
  const server = Bun.serve<SocketData>({
    port: config.port,
    hostname: config.host,
    // Handlers enforce MAX_MESSAGE_BYTES themselves, from Content-Length or while
    // streaming the body (JSON 413). Bun's own limit answers a bare 413 before
    // any handler runs, so it sits far above anything a handler would read.
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    fetch: route,
    error: (error) => {
      log.error({ err: error }, "unhandled server error");
      return new BrokerError(ErrorCode.internal, 500, "internal error").toResponse();
    },
    websocket: {
      // Bun closes a connection with 1009 when a frame exceeds this.
      maxPayloadLength: config.maxMessageBytes,
      // The drainer stops pushing to a session at WS_BACKPRESSURE_LIMIT_BYTES and resumes on
      // `drain`; this hard cap (twice that) only catches what one drain wrote past it.
      backpressureLimit: config.wsBackpressureLimitBytes * 2,
      closeOnBackpressureLimit: true,
      // We ping ourselves (and track pongs); Bun's idle timeout stays off.
      idleTimeout: 0,
      sendPings: false,
      open: (ws) => handlersOf(ws).open(ws),
      message: (ws, message) => handlersOf(ws).message(ws, message),
      close: (ws, code, reason) => handlersOf(ws).close(ws, code, reason),
      pong: (ws) => handlersOf(ws).pong?.(ws),
      drain: (ws) => handlersOf(ws).drain?.(ws),
    },
  });
  return {
    server,
    stop: () => server.stop(true),
  };
}
