/** One logical send of the stream: its correlation id and who must receive it. */
export interface PlannedSend {
  /** The send's `id`, also carried in the plaintext so the recipient can name it. */
  sendId: string;
  /** Member ids that must each see the envelope once (the sender excluded). */
  recipients: readonly string[];
}

/** What the application side of a scenario saw, in numbers. */
export interface DeliveryCounts {
  /** Logical sends attempted. */
  sent: number;
  /** Sends the broker acknowledged (stored). */
  acked: number;
  /** Sends that ended without an ack (refused or timed out): reported, never counted as lost. */
  unacked: number;
  /** (recipient, acked send) pairs the application must see. */
  expected: number;
  /** Of those, how many the application saw at least once. */
  delivered: number;
  /** Expected pairs never seen. */
  lost: number;
  /** Extra handlings of acked sends beyond the first, summed over pairs. */
  duplicated: number;
  /** Handlings of envelopes whose send was never acked (allowed: the broker may have stored it). */
  deliveredUnacked: number;
}

const key = (recipient: string, sendId: string) => `${recipient}\u0000${sendId}`;

/**
 * Counts a scenario from the application's side: sends and their acks from
 * the senders' `send()` results, handlings from the recipients' handlers.
 * Pure bookkeeping; the scenario feeds it.
 */
export class AppCounter {
  readonly #planned = new Map<string, PlannedSend>();
  readonly #acked = new Map<string, string>();
  readonly #failed = new Map<string, string>();
  readonly #handled = new Map<string, number>();
  readonly #messageIds = new Map<string, Set<string>>();
  #missing = 0;

  /** A send is about to go out. */
  planned(send: PlannedSend): void {
    this.#planned.set(send.sendId, send);
  }

  /** The broker acknowledged `sendId` with `messageId` (first answer wins). */
  acked(sendId: string, messageId: string): void {
    const send = this.#planned.get(sendId);
    if (!send || this.#acked.has(sendId)) return;
    this.#acked.set(sendId, messageId);
    this.#failed.delete(sendId);
    for (const r of send.recipients) if (!this.#handled.has(key(r, sendId))) this.#missing += 1;
  }

  /** The send ended without an ack. */
  failed(sendId: string, code: string): void {
    if (!this.#acked.has(sendId)) this.#failed.set(sendId, code);
  }

  /** The recipient's application handled an envelope carrying `sendId`. */
  handled(recipient: string, sendId: string, messageId: string): void {
    const k = key(recipient, sendId);
    const before = this.#handled.get(k) ?? 0;
    this.#handled.set(k, before + 1);
    const ids = this.#messageIds.get(sendId) ?? new Set<string>();
    ids.add(messageId);
    this.#messageIds.set(sendId, ids);
    const send = this.#planned.get(sendId);
    if (before === 0 && this.#acked.has(sendId) && send?.recipients.includes(recipient)) this.#missing -= 1;
  }

  /** Expected (recipient, acked send) pairs not yet handled: 0 means converged. */
  get missing(): number {
    return this.#missing;
  }

  /** Sends neither acked nor failed yet. */
  get unsettled(): number {
    return this.#planned.size - this.#acked.size - this.#failed.size;
  }

  /** How the sends that ended without an ack ended, by error code. */
  failureCodes(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const code of this.#failed.values()) codes[code] = (codes[code] ?? 0) + 1;
    return codes;
  }

  /** Sends handled under more than one messageId (a retry queued twice), with those ids. */
  splitSends(): { sendId: string; messageIds: string[] }[] {
    return [...this.#messageIds]
      .filter(([, ids]) => ids.size > 1)
      .map(([sendId, ids]) => ({ sendId, messageIds: [...ids] }));
  }

  /** Expected pairs never handled, for the investigation of a red row. */
  lostPairs(limit = 50): { recipient: string; sendId: string; messageId: string }[] {
    const lost: { recipient: string; sendId: string; messageId: string }[] = [];
    for (const [sendId, messageId] of this.#acked) {
      const send = this.#planned.get(sendId);
      for (const recipient of send?.recipients ?? []) {
        if (!this.#handled.has(key(recipient, sendId))) lost.push({ recipient, sendId, messageId });
        if (lost.length >= limit) return lost;
      }
    }
    return lost;
  }

  /** The scenario's numbers. */
  counts(): DeliveryCounts {
    let expected = 0;
    let delivered = 0;
    let duplicated = 0;
    for (const sendId of this.#acked.keys()) {
      for (const recipient of this.#planned.get(sendId)?.recipients ?? []) {
        expected += 1;
        const n = this.#handled.get(key(recipient, sendId)) ?? 0;
        if (n > 0) delivered += 1;
        if (n > 1) duplicated += n - 1;
      }
    }
    let deliveredUnacked = 0;
    for (const [k, n] of this.#handled) {
      const sendId = k.slice(k.indexOf("\u0000") + 1);
      if (!this.#acked.has(sendId)) deliveredUnacked += n;
    }
    const sent = this.#planned.size;
    const acked = this.#acked.size;
    return {
      sent,
      acked,
      unacked: sent - acked,
      expected,
      delivered,
      lost: expected - delivered,
      duplicated,
      deliveredUnacked,
    };
  }
}
