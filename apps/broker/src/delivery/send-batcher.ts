import type { Sql } from "@mesh/db";
import { type EnvelopeToStore, insertEnvelopes, type StoredEnvelope } from "../sql/insert-envelopes.ts";

/** Group commit for sends: many sends, one transaction. */
export interface SendBatcher {
  /** Resolves once the envelope is committed (or found to be a retry). */
  submit: (envelope: EnvelopeToStore) => Promise<StoredEnvelope>;
  /** Resolves when nothing is waiting or in flight. */
  idle: () => Promise<void>;
}

interface Waiting {
  envelope: EnvelopeToStore;
  resolve: (result: StoredEnvelope) => void;
  reject: (e: unknown) => void;
}

/**
 * Collects sends from every session and commits them in batches of up to
 * `maxBatch`, one batch in flight at a time: while one commits, the next
 * fills. FIFO, so envelopes of one sender are stored in the order they came.
 */
export function createSendBatcher(deps: { sql: Sql; maxBatch: number }): SendBatcher {
  const waiting: Waiting[] = [];
  let flushing: Promise<void> | undefined;

  const takeBatch = (): Waiting[] => {
    // A batch never repeats a (sender, client id): a retry racing its original waits for the next batch.
    const keys = new Set<string>();
    let n = 0;
    while (n < waiting.length && n < deps.maxBatch) {
      const e = (waiting[n] as Waiting).envelope;
      if (e.clientId !== null) {
        const key = `${e.senderMemberId}\u0000${e.clientId}`;
        if (keys.has(key)) break;
        keys.add(key);
      }
      n += 1;
    }
    return waiting.splice(0, n);
  };

  const flush = async (): Promise<void> => {
    // Let every frame already read this turn join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const batch = takeBatch();
      try {
        const results = await insertEnvelopes(
          deps.sql,
          batch.map((w) => w.envelope),
        );
        batch.forEach((w, i) => {
          w.resolve(results[i] as StoredEnvelope);
        });
      } catch (e: unknown) {
        for (const w of batch) w.reject(e);
      }
    }
  };

  const kick = (): void => {
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = undefined;
      if (waiting.length > 0) kick();
    });
  };

  return {
    submit: (envelope) =>
      new Promise<StoredEnvelope>((resolve, reject) => {
        waiting.push({ envelope, resolve, reject });
        kick();
      }),
    idle: async () => {
      while (flushing) await flushing;
    },
  };
}
