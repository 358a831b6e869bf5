import { LatencyRecorder, type LatencySummary } from "../histogram.ts";
import { randomOther } from "../workloads/direct-load.ts";
import { decodePeerMessage, peerMessageEncoder } from "./peer-message.ts";
import type { PeerShape, PeerSystem } from "./peer-system.ts";
import type { ServerUsage } from "./server-usage.ts";

/** What one shape on one peer system measured. */
export interface PeerLoadFigures {
  sent: number;
  confirmed: number;
  /** Distinct messages received (a redelivery counts once). */
  delivered: number;
  redelivered: number;
  expected: number;
  publishErrors: number;
  firstPublishError?: string;
  sendToConfirm: LatencySummary;
  sendToPush: LatencySummary;
  /** First publish to the last delivery or confirm, in ms. */
  wallMs: number;
  msgsPerSecond: number;
  /** The server's peak RSS and the CPU used over the run. */
  usage: ServerUsage;
}

/** Options of {@link runPeerLoad}. */
export interface PeerLoadOptions {
  payloadBytes: number;
  stallMs: number;
  /** Starts watching the server; the returned function ends it with what it used. */
  watchServer: () => () => ServerUsage;
}

/** A unique number per (sender, sequence): senders send far fewer than 2^21 messages each. */
function messageKey(sender: number, sequence: number): number {
  return sender * 2 ** 21 + sequence;
}

/**
 * Runs `shape` on `system` the way W1 runs on the broker: every peer
 * publishes to random other peers as fast as its confirms allow (at most
 * `window` unconfirmed), and the run lasts until every confirmed message has
 * been received. Opens and closes its own queues.
 */
export async function runPeerLoad(
  system: PeerSystem,
  shape: PeerShape,
  options: PeerLoadOptions,
): Promise<{ figures: PeerLoadFigures; stalled?: string }> {
  const total = shape.peers * shape.messagesPerPeer;
  const encode = peerMessageEncoder(options.payloadBytes);
  const sendToConfirm = new LatencyRecorder();
  const sendToPush = new LatencyRecorder();
  const seen = new Set<number>();
  const sent = new Array<number>(shape.peers).fill(0);
  const inFlight = new Array<number>(shape.peers).fill(0);
  let confirmed = 0;
  let redelivered = 0;
  let publishErrors = 0;
  let firstPublishError: string | undefined;
  let firstSend = Number.NaN;
  let lastEvent = Number.NaN;
  let lastProgress = performance.now();

  const session = await system.open(shape.peers, (_recipient, body) => {
    const now = performance.now();
    lastProgress = now;
    const decoded = decodePeerMessage(body);
    if (!decoded) return;
    const key = messageKey(decoded.sender, decoded.sequence);
    if (seen.has(key)) {
      redelivered += 1;
      return;
    }
    seen.add(key);
    sendToPush.record(now - decoded.sentAt);
    lastEvent = now;
  });

  const pump = (sender: number): void => {
    while ((inFlight[sender] ?? 0) < shape.window && (sent[sender] ?? 0) < shape.messagesPerPeer) {
      const sequence = sent[sender] ?? 0;
      const at = performance.now();
      if (Number.isNaN(firstSend)) firstSend = at;
      sent[sender] = sequence + 1;
      inFlight[sender] = (inFlight[sender] ?? 0) + 1;
      session.publish(sender, randomOther(shape.peers, sender), encode(at, sender, sequence)).then(
        () => {
          const now = performance.now();
          sendToConfirm.record(now - at);
          confirmed += 1;
          lastProgress = now;
          lastEvent = Math.max(Number.isNaN(lastEvent) ? now : lastEvent, now);
          settle(sender);
        },
        (e: unknown) => {
          publishErrors += 1;
          firstPublishError ??= e instanceof Error ? e.message : String(e);
          lastProgress = performance.now();
          settle(sender);
        },
      );
    }
  };
  const settle = (sender: number): void => {
    inFlight[sender] = (inFlight[sender] ?? 0) - 1;
    pump(sender);
  };

  let stalled: string | undefined;
  try {
    const stopWatching = options.watchServer();
    for (let sender = 0; sender < shape.peers; sender++) pump(sender);
    while (confirmed + publishErrors < total || seen.size < confirmed) {
      if (performance.now() - lastProgress > options.stallMs) {
        stalled = `stalled: ${seen.size}/${total} delivered, ${confirmed} confirmed, ${publishErrors} publish errors, nothing for ${options.stallMs / 1000} s`;
        break;
      }
      await Bun.sleep(2);
    }
    const usage = stopWatching();
    const wallMs = lastEvent - firstSend;
    return {
      figures: {
        sent: sent.reduce((a, b) => a + b, 0),
        confirmed,
        delivered: seen.size,
        redelivered,
        expected: total,
        publishErrors,
        ...(firstPublishError === undefined ? {} : { firstPublishError }),
        sendToConfirm: sendToConfirm.summary(),
        sendToPush: sendToPush.summary(),
        wallMs,
        msgsPerSecond: seen.size / (wallMs / 1000),
        usage,
      },
      ...(stalled === undefined ? {} : { stalled }),
    };
  } finally {
    await session.close();
  }
}
