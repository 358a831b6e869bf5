import type { Sql } from "@mesh/db";
import { ackKey, acknowledgeEnvelopes, type EnvelopeAck } from "../sql/acknowledge-envelopes.ts";

/** Group commit for `client_ack`s: many acknowledgements, one statement. */
export interface AckBatcher {
  /** Resolves once the ack is committed: "unknown" when the row is not this member's. */
  submit: (ack: EnvelopeAck) => Promise<"acknowledged" | "unknown">;
  /** Resolves when nothing is waiting or in flight. */
  idle: () => Promise<void>;
}

interface Waiting {
  ack: EnvelopeAck;
  resolve: (outcome: "acknowledged" | "unknown") => void;
  reject: (e: unknown) => void;
}

/**
 * Collects `client_ack`s from every session and commits them in batches of
 * up to `maxBatch`, one batch in flight at a time: while one commits, the
 * next fills. One statement per commit instead of one per envelope keeps
 * the pool free for sends and drains.
 */
export function createAckBatcher(deps: { sql: Sql; maxBatch: number }): AckBatcher {
  const waiting: Waiting[] = [];
  let flushing: Promise<void> | undefined;

  const flush = async (): Promise<void> => {
    // Let every frame already read this turn join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const batch = waiting.splice(0, deps.maxBatch);
      try {
        const matched = await acknowledgeEnvelopes(
          deps.sql,
          batch.map((w) => w.ack),
        );
        for (const w of batch) w.resolve(matched.has(ackKey(w.ack)) ? "acknowledged" : "unknown");
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
    submit: (ack) =>
      new Promise((resolve, reject) => {
        waiting.push({ ack, resolve, reject });
        kick();
      }),
    idle: async () => {
      while (flushing) await flushing;
    },
  };
}
