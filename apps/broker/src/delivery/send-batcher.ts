import type { Sql } from "@mesh/db";
import { createGroupCommit, type GroupCommit } from "../lib/group-commit.ts";
import type { ClaimedEnvelope } from "./claim-deliverable.ts";
import { type EnvelopeToStore, insertEnvelopes, type StoredEnvelope } from "./insert-envelopes.ts";
import type { LeaseCandidate } from "./lease-candidates.ts";
import type { QueueLedger, Reservation } from "./queue-ledger.ts";

/** A send admitted by the queue ledger, with the rows it reserved there. */
export interface AdmittedSend {
  envelope: Omit<EnvelopeToStore, "skipRecipientIds">;
  reservation: Reservation;
}

/**
 * Group commit for sends: many sends, one transaction. Resolves once the
 * envelope is committed (or found to be a retry, or over a bound).
 */
export type SendBatcher = GroupCommit<AdmittedSend, StoredEnvelope>;

/**
 * Batches in flight at once, each from its own lane. Two is what the
 * ledger's `nearBounds` margin covers (a batch is near when twice its rows
 * reach what is left), and what keeps both of Postgres's cores at work under
 * load once a send no longer waits for a claim.
 */
const LANES = 2;
/**
 * Sends waiting or in flight in the first lane before new senders spill to
 * the second: under light load one lane makes bigger batches (fewer
 * statements and commits per send); a second batch in flight pays only
 * once the first lane has a queue.
 */
const SPILL_AT = 48;

/**
 * Collects sends from every session and commits them in batches of up to
 * `maxBatch`, one batch in flight per lane and {@link LANES} lanes; new
 * senders go to the first lane until it holds {@link SPILL_AT} sends, and a
 * sender's sends stay in one lane while any is waiting or in flight there,
 * FIFO, so they are stored in the order they came. A batch that comes near
 * a queue bound runs alone (no other lane's batch in flight) and is held to
 * the ledger's budgets (the bounds less what is committed) as it is stored;
 * every batch's reservations are settled as it ends, whether it committed
 * or failed.
 */
export function createSendBatcher(deps: {
  sql: Sql;
  instanceId: string;
  maxBatch: number;
  ledger: QueueLedger;
  undeliveredMaxAgeSeconds: number;
  /**
   * Rows leased at insert to sessions here, for this long, are handed to
   * `pushLeased` after the commit (the drainer's): no claim between the
   * send's commit and its push. Without it every row waits for a drain.
   */
  direct?: {
    leaseSeconds: number;
    candidatesOf: (e: EnvelopeToStore) => readonly LeaseCandidate[];
    pushLeased: (rows: readonly ClaimedEnvelope[], storedAt: number) => void;
  };
}): SendBatcher {
  const { ledger } = deps;
  const gate = new BatchGate();
  const store = async (sends: AdmittedSend[], nearBounds: boolean): Promise<StoredEnvelope[]> => {
    let results: StoredEnvelope[];
    try {
      results = await insertEnvelopes(
        deps.sql,
        sends.map((s) => ({ ...s.envelope, skipRecipientIds: s.reservation.skippedRecipientIds })),
        {
          origin: deps.instanceId,
          maxAgeSeconds: deps.undeliveredMaxAgeSeconds,
          ...(deps.direct
            ? { leaseLocal: { leaseSeconds: deps.direct.leaseSeconds, candidatesOf: deps.direct.candidatesOf } }
            : {}),
          ...(nearBounds ? { budgetOf: (e: EnvelopeToStore) => ledger.budgets(e.meshId, e.senderMemberId) } : {}),
        },
      );
    } catch (e: unknown) {
      for (const s of sends) ledger.settle(s.reservation);
      throw e;
    }
    const storedAt = performance.now();
    const leased: ClaimedEnvelope[] = [];
    sends.forEach((s, i) => {
      const result = results[i];
      if (result?.kind === "queued") {
        ledger.settle(s.reservation, result.recipientMemberIds, result.xid);
        leased.push(...result.leased);
      } else ledger.settle(s.reservation);
    });
    // In batch order, so per-sender order holds; before the senders hear their acks.
    if (leased.length > 0) deps.direct?.pushLeased(leased, storedAt);
    return results;
  };
  const lanes = Array.from({ length: LANES }, () =>
    createGroupCommit<AdmittedSend, StoredEnvelope>({
      commit: (sends) =>
        gate.run(
          () => ledger.nearBounds(sends.map((s) => s.reservation)),
          (alone) => store(sends, alone),
        ),
      maxBatch: deps.maxBatch,
      batchSize: untilRepeatedClientId,
    }),
  );
  // A sender stays in its lane while it has a send waiting or in flight there, so its sends are stored in order.
  const pinned = new Map<string, { lane: number; sends: number }>();
  const load = lanes.map(() => 0);
  const pickLane = (): number => {
    if ((load[0] as number) < SPILL_AT) return 0;
    let best = 0;
    for (let i = 1; i < LANES; i++) if ((load[i] as number) < (load[best] as number)) best = i;
    return best;
  };
  return {
    submit: (send) => {
      const sender = send.envelope.senderMemberId;
      let pin = pinned.get(sender);
      if (!pin) {
        pin = { lane: pickLane(), sends: 0 };
        pinned.set(sender, pin);
      }
      const held = pin;
      held.sends += 1;
      load[held.lane] = (load[held.lane] as number) + 1;
      return (lanes[held.lane] as SendBatcher).submit(send).finally(() => {
        load[held.lane] = (load[held.lane] as number) - 1;
        // The pin is this object for as long as any of the sender's sends is waiting or in flight.
        if (--held.sends === 0) pinned.delete(sender);
      });
    },
    idle: async () => {
      await Promise.all(lanes.map((l) => l.idle()));
    },
  };
}

/**
 * Lets batches run together, but one that must run alone (near a queue
 * bound) waits for the others to end, and holds new ones back meanwhile.
 */
export class BatchGate {
  #together = 0;
  #alone = false;
  #aloneWaiting = 0;
  #wakers: (() => void)[] = [];

  /** Runs `fn` once admitted; `mustRunAlone` is asked again whenever the batch is about to start. */
  async run<T>(mustRunAlone: () => boolean, fn: (alone: boolean) => Promise<T>): Promise<T> {
    let alone = mustRunAlone();
    for (;;) {
      if (alone) {
        if (!this.#alone && this.#together === 0) break;
        this.#aloneWaiting += 1;
        await this.#wait();
        this.#aloneWaiting -= 1;
      } else {
        if (!this.#alone && this.#aloneWaiting === 0) break;
        await this.#wait();
      }
      alone = mustRunAlone();
    }
    if (alone) this.#alone = true;
    else this.#together += 1;
    try {
      return await fn(alone);
    } finally {
      if (alone) this.#alone = false;
      else this.#together -= 1;
      for (const wake of this.#wakers.splice(0)) wake();
    }
  }

  #wait(): Promise<void> {
    return new Promise<void>((resolve) => this.#wakers.push(resolve));
  }
}

/** A batch never repeats a (sender, client id): a retry racing its original waits for the next batch. */
function untilRepeatedClientId(sends: readonly AdmittedSend[], cap: number): number {
  const keys = new Set<string>();
  let n = 0;
  while (n < cap) {
    const e = (sends[n] as AdmittedSend).envelope;
    if (e.clientId !== null) {
      const key = `${e.senderMemberId}\u0000${e.clientId}`;
      if (keys.has(key)) break;
      keys.add(key);
    }
    n += 1;
  }
  return n;
}
