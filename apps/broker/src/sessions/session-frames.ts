import { randomUUID } from "node:crypto";
import {
  BROADCAST_ALIAS,
  BROADCAST_TARGET,
  type ClientAckFrame,
  ErrorCode,
  type SendFrame,
  type SessionFrame,
} from "@mesh/shared";
import type { BrokerContext } from "../broker-context.ts";
import type { StoredEnvelope } from "../delivery/insert-envelopes.ts";
import { queueFullMessage } from "../delivery/queue-full-message.ts";
import type { QueueLimit } from "../delivery/queue-ledger.ts";
import { sendDbFailure, sendError, sendFrame } from "./frames.ts";
import { listLivePeers } from "./list-live-peers.ts";
import type { BrokerSocket, Session } from "./session.ts";
import { setPresenceSummary } from "./set-presence-summary.ts";

type ReqId = { _reqId?: string | number };
const echo = (f: ReqId) => (f._reqId !== undefined ? { _reqId: f._reqId } : {});

/**
 * Where a send goes: `*` (also spelled `@all`) or a key; undefined for a
 * claudemesh group or topic, which this broker does not route.
 */
function sendTarget(targetSpec: string): string | undefined {
  if (targetSpec === BROADCAST_ALIAS) return BROADCAST_TARGET;
  if (targetSpec.startsWith("@") || targetSpec.startsWith("#")) return undefined;
  return targetSpec;
}

/** A send over a queue bound: `queue_full`, saying which. */
function refuseQueueFull(
  ctx: BrokerContext,
  ws: BrokerSocket,
  limit: QueueLimit,
  target: string,
  extra: { id?: string; _reqId?: string | number },
): void {
  ctx.metrics.messageRejected(ErrorCode.queueFull);
  sendError(ws, ErrorCode.queueFull, queueFullMessage(limit, ctx.queueLedger.caps, target === BROADCAST_TARGET), extra);
}

/**
 * `send`: stored (group commit) before the `ack`; never a false ack. Not
 * awaited by the socket's frame queue: the batcher keeps arrival order.
 */
function handleSend(ctx: BrokerContext, ws: BrokerSocket, session: Session, frame: SendFrame): void {
  const extra = { ...(frame.id !== undefined ? { id: frame.id } : {}), ...echo(frame) };
  const target = sendTarget(frame.targetSpec);
  if (target === undefined) {
    ctx.metrics.messageRejected(ErrorCode.unsupportedTarget);
    sendError(
      ws,
      ErrorCode.unsupportedTarget,
      "claudemesh groups (@name) and topics (#topic) are not routed by this broker; send to a key or to *",
      extra,
    );
    return;
  }
  if (!ctx.dbHealth.healthy) {
    ctx.metrics.messageRejected(ErrorCode.dbUnavailable);
    sendError(ws, ErrorCode.dbUnavailable, "the database is unreachable or read-only; nothing was stored", extra);
    return;
  }
  const allowed = ctx.sendLimiter.take(session.memberId, Date.now());
  if (!allowed.ok) {
    ctx.metrics.messageRejected(ErrorCode.rateLimited);
    const retryMs = Math.ceil(allowed.retryAfterMs);
    sendError(
      ws,
      ErrorCode.rateLimited,
      `over ${ctx.config.sendRateLimitPerSec} sends/s; not queued, retry in ${retryMs} ms`,
      extra,
    );
    return;
  }
  const admission = ctx.queueLedger.admit({
    meshId: session.meshId,
    senderMemberId: session.memberId,
    targetSpec: target,
  });
  if (!admission.ok) {
    refuseQueueFull(ctx, ws, admission.limit, target, extra);
    return;
  }
  const { reservation } = admission;
  const started = performance.now();
  const done = (result: StoredEnvelope): void => {
    if (result.kind === "queue_full") {
      refuseQueueFull(ctx, ws, result.limit, target, extra);
      return;
    }
    if (result.kind === "sender_ended") {
      ctx.metrics.messageRejected(result.reason);
      sendError(ws, result.reason, "this member was revoked or its mesh archived; nothing was stored", extra);
      return;
    }
    if (result.kind === "unknown_recipient") {
      ctx.metrics.messageRejected(ErrorCode.unknownRecipient);
      sendError(
        ws,
        ErrorCode.unknownRecipient,
        "targetSpec is neither a member's key nor a session key of this mesh",
        extra,
      );
      return;
    }
    const queued = result.kind === "queued";
    if (queued) {
      ctx.metrics.messageRouted(frame.priority);
      ctx.metrics.sendCommitted((performance.now() - started) / 1000);
      ctx.metrics.broadcastRecipientsSkipped(reservation.skippedRecipientIds.length);
    }
    sendFrame(ws, {
      type: "ack",
      id: frame.id ?? null,
      messageId: result.messageId,
      queued: true,
      recipients: queued ? result.recipientMemberIds.length : 0,
      ...(queued ? {} : { duplicate: true }),
      ...echo(frame),
    });
    if (queued) {
      // Rows leased at insert are pushed already; the others wait for a drain.
      const pushed = new Set(result.leased.map((r) => r.recipientMemberId));
      ctx.drainer.request(result.recipientMemberIds.filter((id) => !pushed.has(id)));
    }
  };
  ctx.sends
    .submit({
      envelope: {
        messageId: randomUUID(),
        meshId: session.meshId,
        senderMemberId: session.memberId,
        senderMemberPubkey: session.pubkey,
        senderSessionPubkey: session.sessionPubkey,
        targetSpec: target,
        priority: frame.priority,
        nonce: frame.nonce,
        ciphertext: frame.ciphertext,
        clientId: frame.id ?? null,
        ttlSeconds: frame.ttlSeconds ?? null,
      },
      reservation,
    })
    .then(done, (e: unknown) => {
      ctx.metrics.messageRejected(sendDbFailure(ws, session.log, e, "send", extra));
    });
}

/** `set_status` (source manual) and `heartbeat` with a status (source heartbeat). */
async function handleStatus(
  ctx: BrokerContext,
  ws: BrokerSocket,
  session: Session,
  frame: Extract<SessionFrame, { type: "set_status" | "heartbeat" }>,
): Promise<void> {
  if (frame.status !== undefined) {
    const source = frame.type === "set_status" ? "manual" : "heartbeat";
    const update = await ctx.status.report(session.presenceId, { status: frame.status, source }, { fromSession: true });
    if (frame.type === "set_status") {
      session.log.info(
        {
          status: frame.status,
          outcome: update?.decision.kind ?? "gone",
          now: session.status.status,
        },
        "ws set_status",
      );
    }
  }
  sendFrame(ws, { type: "status", status: session.status.status, source: session.status.source, ...echo(frame) });
}

/**
 * `client_ack`: group-committed with other sessions' acks. Not awaited by the
 * socket's frame queue, so a session's next frames do not wait for the commit.
 */
function handleClientAck(ctx: BrokerContext, ws: BrokerSocket, session: Session, frame: ClientAckFrame): void {
  ctx.drainer.acknowledge({ rowId: frame.brokerMessageId, recipientMemberId: session.memberId }).then(
    (outcome) => {
      if (outcome === "unknown") {
        sendError(ws, ErrorCode.unknownMessage, "no envelope with this brokerMessageId for you", echo(frame));
      }
    },
    (e: unknown) => {
      sendDbFailure(ws, session.log, e, frame.type, echo(frame));
    },
  );
}

/** Handles one parsed frame of an authenticated session. */
export async function handleSessionFrame(
  ctx: BrokerContext,
  ws: BrokerSocket,
  session: Session,
  frame: SessionFrame,
): Promise<void> {
  if (frame.type === "send") return handleSend(ctx, ws, session, frame);
  if (frame.type === "client_ack") return handleClientAck(ctx, ws, session, frame);
  try {
    switch (frame.type) {
      case "set_status":
      case "heartbeat":
        return await handleStatus(ctx, ws, session, frame);
      case "set_summary":
        // Fire-and-forget in claudemesh: no answer, the summary shows in peers_list.
        return await setPresenceSummary(ctx.sql, session.presenceId, frame.summary);
      case "list_peers": {
        const peers = await listLivePeers(ctx.sql, session.meshId, session.presenceId);
        return sendFrame(ws, { type: "peers_list", peers, ...echo(frame) });
      }
    }
  } catch (e: unknown) {
    sendDbFailure(ws, session.log, e, frame.type, echo(frame));
  }
}
