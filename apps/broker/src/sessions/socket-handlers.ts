import { CloseCode, ErrorCode, toError } from "@mesh/shared";
import type { BrokerContext } from "../broker-context.ts";
import type { SocketHandlers } from "../server/server.ts";
import { createDisconnectBatcher } from "./disconnect-batcher.ts";
import { refuse, sendError } from "./frames.ts";
import { handleHello } from "./hello.ts";
import { parseSessionFrame } from "./parse-frame.ts";
import { type BrokerSocket, stopHelloTimer } from "./session.ts";
import { handleSessionFrame } from "./session-frames.ts";

/** Presences marked disconnected per statement, at most. */
const MAX_DISCONNECT_BATCH = 500;

/**
 * Bun's WebSocket callbacks, translated into the protocol: the first frame
 * is the hello, the rest go to the session's handlers one at a time.
 * `isShuttingDown` keeps the close path off the database while shutdown
 * marks every presence in one statement.
 */
export function createSocketHandlers(ctx: BrokerContext, isShuttingDown: () => boolean): SocketHandlers {
  const { hub, log, metrics } = ctx;
  const disconnects = createDisconnectBatcher({
    sql: ctx.sql,
    log,
    maxBatch: MAX_DISCONNECT_BATCH,
    instanceId: ctx.instanceId,
    onReleased: (memberIds) => ctx.drainer.request(memberIds),
  });

  const handle = async (ws: BrokerSocket, raw: string | Buffer): Promise<void> => {
    if (ws.data.phase === "closed") return;
    if (ws.data.phase === "awaiting_hello") {
      // The first frame came in time; whatever it is, the hello path answers it.
      stopHelloTimer(ws.data);
      return handleHello(ctx, ws, raw);
    }
    const session = ws.data.session;
    if (!session) return;
    const parsed = parseSessionFrame(raw);
    if (parsed.ok === "ignored") {
      metrics.frameIgnored(parsed.reason);
      session.log.debug({ frame: parsed.type, reason: parsed.reason }, "ws frame ignored");
      return;
    }
    if (!parsed.ok) {
      const { code, message, id, reqId } = parsed.problem;
      if (parsed.problem.type === "send") metrics.messageRejected(code);
      return sendError(ws, code, message, { id, _reqId: reqId });
    }
    return handleSessionFrame(ctx, ws, session, parsed.frame);
  };

  return {
    open: (ws) => {
      hub.add(ws);
      const timeoutMs = ctx.config.helloTimeoutMs;
      ws.data.helloTimer = setTimeout(() => {
        ws.data.helloTimer = undefined;
        // Only a socket still waiting for its first frame; a hello being checked is left to finish.
        if (ws.data.phase !== "awaiting_hello") return;
        metrics.connectionRejected(ErrorCode.helloTimeout);
        refuse(ws, ErrorCode.helloTimeout, `no hello within ${timeoutMs} ms`);
      }, timeoutMs);
    },
    message: (ws, raw) => {
      ws.data.queue = ws.data.queue
        .then(() => handle(ws, raw))
        .catch((e: unknown) => {
          (ws.data.session?.log ?? log).error({ err: toError(e) }, "ws frame handler failed");
          if (ws.data.phase !== "closed") ws.close(CloseCode.internalError, "internal");
        });
    },
    close: (ws, code, reason) => {
      stopHelloTimer(ws.data);
      const wasOpen = ws.data.phase === "open";
      ws.data.phase = "closed";
      hub.remove(ws);
      const session = ws.data.session;
      if (!session || !wasOpen) return;
      // A backed-up socket that closed never drains: its member's other sessions take the envelopes.
      ctx.drainer.resume(session.memberId);
      metrics.connectionClosed();
      session.log.info({ code, reason }, "ws close");
      if (isShuttingDown()) return;
      disconnects.submit(session.presenceId);
    },
    drain: (ws) => {
      const session = ws.data.session;
      if (session) ctx.drainer.resume(session.memberId);
    },
    pong: (ws) => {
      const session = ws.data.session;
      if (session) session.answeredPing = true;
    },
  };
}
