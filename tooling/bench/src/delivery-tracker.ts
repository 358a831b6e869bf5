import { decodeNonce } from "./envelope.ts";
import { LatencyRecorder, type LatencySummary } from "./histogram.ts";
import type { LoadClientHandlers } from "./load-client.ts";

/** What a tracker measured. */
export interface DeliveryFigures {
  sent: number;
  acked: number;
  /** Distinct queue rows pushed (a redelivery counts once). */
  delivered: number;
  redelivered: number;
  expected: number;
  errors: Record<string, number>;
  sendToAck: LatencySummary;
  sendToPush: LatencySummary;
  /** `sendToPush` split by {@link PairClass}, when the tracker has one. */
  sendToPushByPair?: Record<string, LatencySummary>;
  /** First send to last push (or last ack when nothing is pushed), in ms. */
  wallMs: number;
}

/**
 * Names the kind of a (sender, recipient) pair by their `BenchPeer.index`
 * (the sender's is the one in the nonce), e.g. "same" or "cross" instance.
 */
export type PairClass = (sender: number, recipient: number) => string;

/**
 * Times one workload's envelopes: send→ack through the client id the ack
 * echoes, send→push through the send time carried in the nonce (also per
 * kind of pair, given a {@link PairClass}), and counts distinct deliveries
 * by `brokerMessageId` (one per recipient row).
 */
export class DeliveryTracker {
  readonly sendToAck = new LatencyRecorder();
  readonly sendToPush = new LatencyRecorder();
  private readonly sendToPushByPair = new Map<string, LatencyRecorder>();
  private readonly sentAt = new Map<string, number>();
  private readonly seenRows = new Set<string>();
  private readonly errorCounts = new Map<string, number>();
  private firstSend = Number.NaN;
  private lastEvent = Number.NaN;
  private lastPush = Number.NaN;
  private sentCount = 0;
  private ackedCount = 0;
  private redeliveries = 0;
  /** Last time anything arrived; the stall check reads it. */
  lastProgress = performance.now();

  constructor(
    public expected: number,
    private readonly pairClass?: PairClass,
  ) {}

  /** A send went out with client id `id` at `at` (performance.now()). */
  sent(id: string, at: number): void {
    if (Number.isNaN(this.firstSend)) this.firstSend = at;
    this.sentAt.set(id, at);
    this.sentCount += 1;
    this.lastProgress = at;
  }

  /** An `ack` came back for client id `id`. */
  acked(id: string | null): void {
    const now = performance.now();
    this.lastProgress = now;
    const at = id === null ? undefined : this.sentAt.get(id);
    if (at === undefined || id === null) return;
    this.sentAt.delete(id);
    this.sendToAck.record(now - at);
    this.ackedCount += 1;
    this.lastEvent = Math.max(Number.isNaN(this.lastEvent) ? now : this.lastEvent, now);
  }

  /**
   * A `push` arrived (at the peer with index `recipient`, which the pair
   * split needs); false when it repeats a row already seen (at-least-once
   * redelivery).
   */
  pushed(brokerMessageId: string, nonce: string, recipient?: number): boolean {
    const now = performance.now();
    this.lastProgress = now;
    if (this.seenRows.has(brokerMessageId)) {
      this.redeliveries += 1;
      return false;
    }
    this.seenRows.add(brokerMessageId);
    const decoded = decodeNonce(nonce);
    if (decoded) {
      const latency = now - decoded.sentAt;
      this.sendToPush.record(latency);
      if (this.pairClass && recipient !== undefined)
        this.pairRecorder(this.pairClass(decoded.sender, recipient)).record(latency);
    }
    this.lastEvent = now;
    this.lastPush = now;
    return true;
  }

  /** An `error` frame arrived. */
  error(code: string): void {
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1);
    this.lastProgress = performance.now();
  }

  /** When the last new push arrived (performance.now()). */
  get lastPushAt(): number {
    return this.lastPush;
  }

  get delivered(): number {
    return this.seenRows.size;
  }

  get errorTotal(): number {
    let n = 0;
    for (const v of this.errorCounts.values()) n += v;
    return n;
  }

  /** Everything expected arrived (or an error means it never will). */
  done(): boolean {
    return this.seenRows.size >= this.expected && this.sentAt.size === 0;
  }

  figures(): DeliveryFigures {
    return {
      sent: this.sentCount,
      acked: this.ackedCount,
      delivered: this.seenRows.size,
      redelivered: this.redeliveries,
      expected: this.expected,
      errors: Object.fromEntries(this.errorCounts),
      sendToAck: this.sendToAck.summary(),
      sendToPush: this.sendToPush.summary(),
      ...(this.pairClass
        ? {
            sendToPushByPair: Object.fromEntries(
              [...this.sendToPushByPair].map(([kind, recorder]) => [kind, recorder.summary()]),
            ),
          }
        : {}),
      wallMs: this.lastEvent - this.firstSend,
    };
  }

  private pairRecorder(kind: string): LatencyRecorder {
    let recorder = this.sendToPushByPair.get(kind);
    if (!recorder) {
      recorder = new LatencyRecorder();
      this.sendToPushByPair.set(kind, recorder);
    }
    return recorder;
  }
}

/**
 * Waits until `done()` holds; gives up (returning the reason) when nothing
 * arrived for `stallMs`: the workload stalled, delivered < 100 %.
 */
export async function waitForDelivery(
  tracker: DeliveryTracker,
  stallMs: number,
  done: () => boolean = () => tracker.done(),
): Promise<{ complete: true } | { complete: false; reason: string }> {
  while (!done()) {
    if (performance.now() - tracker.lastProgress > stallMs) {
      const f = tracker.figures();
      return {
        complete: false,
        reason: `stalled: ${f.delivered}/${f.expected} delivered, ${f.acked}/${f.sent} acked, nothing for ${stallMs / 1000} s; errors ${JSON.stringify(f.errors)}`,
      };
    }
    await Bun.sleep(2);
  }
  return { complete: true };
}

/**
 * Load-client options that confirm pushes (`ack` feature) and report acks,
 * pushes and errors to the tracker `current()` returns at that moment (W2
 * starts a new tracker per offered rate). `onPush` sees each push as well.
 */
export function trackingClientOptions(
  current: () => DeliveryTracker,
  onPush?: () => void,
): { features: string[]; handlers: LoadClientHandlers } {
  return {
    features: ["ack"],
    handlers: {
      onAck: (_, ack) => current().acked(ack.id),
      onPush: (client, push) => {
        onPush?.();
        current().pushed(push.brokerMessageId, push.nonce, client.peer.index);
      },
      onError: (_, error) => current().error(error.code),
    },
  };
}
