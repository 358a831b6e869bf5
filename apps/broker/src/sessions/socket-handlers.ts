import { CloseCode, ErrorCode, toError } from "@mesh/shared";
import type { BrokerContext } from "../broker-context.ts";
import { KeyedRateLimiter } from "../lib/keyed-rate-limiter.ts";
import type { SocketHandlers } from "../server/server.ts";
import { createDisconnectBatcher } from "./disconnect-batcher.ts";
import { FrameBudget } from "./frame-budget.ts";
import { refuse, sendError } from "./frames.ts";
import { handleHello } from "./hello.ts";
import { parseSessionFrame } from "./parse-frame.ts";
import { type BrokerSocket, stopHelloTimer } from "./session.ts";
import { handleSessionFrame } from "./session-frames.ts";

/** Members whose hello buckets are tracked at once (full buckets are forgotten first). */
const MAX_HELLO_LIMITED_MEMBERS = 100_000;

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
  // Hellos per member per minute on this instance: a member reconnecting in a loop costs a bounded churn.
  const helloLimiter = new KeyedRateLimiter({
    capacity: ctx.config.helloRateLimitPerMin,
    periodMs: 60_000,
    maxKeys: MAX_HELLO_LIMITED_MEMBERS,
  });
  const disconnects = createDisconnectBatcher({
    sql: ctx.sql,
    log,
    maxBatch: MAX_DISCONNECT_BATCH,
    instanceId: ctx.instanceId,
    onReleased: (memberIds) => ctx.drainer.request(memberIds),
  });

  /**
   * A socket with more frames waiting than its budget allows sends faster
   * than it is answered (or never reads): it is closed, and the frames it
   * queued are dropped as they come up (its phase is closed).
   */
  const closeFlooded = (ws: BrokerSocket): void => {
    ws.data.closing = true;
    const session = ws.data.phase === "open" ? ws.data.session : undefined;
    if (session) metrics.sessionClosedForCause("frame_flood");
    (session?.log ?? log).warn({ pending: ws.data.budget?.pending }, "ws frame flood: closing");
    sendError(ws, ErrorCode.frameFlood, "too many frames waiting to be handled");
    ws.close(CloseCode.policy, ErrorCode.frameFlood);
  };

  const handle = async (ws: BrokerSocket, raw: string | Buffer): Promise<void> => {
    if (ws.data.phase === "closed" || ws.data.closing) return;
    if (ws.data.phase === "awaiting_hello") {
      // The first frame came in time; whatever it is, the hello path answers it.
      stopHelloTimer(ws.data);
      return handleHello(ctx, ws, raw, helloLimiter);
    }
    const session = ws.data.session;
    if (!session) return;
    const parsed = parseSessionFrame(raw);
    if (parsed.ok === true && !ws.data.budget?.take(parsed.frame.type, Date.now()).ok) {
      // Over this frame type's rate: refused only when a request id says someone waits for the answer.
      metrics.frameRateLimited(parsed.frame.type);
      const reqId = parsed.frame._reqId;
      if (reqId !== undefined) {
        sendError(ws, ErrorCode.rateLimited, `too many ${parsed.frame.type} frames; slow down`, { _reqId: reqId });
      }
      return;
    }
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
      ws.data.budget = new FrameBudget({
        maxPendingFrames: ctx.config.wsMaxPendingFrames,
        maxPendingBytes: ctx.config.wsMaxPendingBytes,
        framesPerSecond: ctx.config.frameRateLimitPerSec,
      });
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
      const budget = ws.data.budget;
      if (ws.data.phase === "closed" || ws.data.closing || !budget) return;
      // The length in code units bounds what the frame holds in memory, without reading it.
      const size = raw.length;
      if (!budget.admit(size)) return closeFlooded(ws);
      ws.data.queue = ws.data.queue
        .then(() => handle(ws, raw))
        .catch((e: unknown) => {
          (ws.data.session?.log ?? log).error({ err: toError(e) }, "ws frame handler failed");
          if (ws.data.phase !== "closed") ws.close(CloseCode.internalError, "internal");
        })
        .finally(() => budget.done(size));
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
