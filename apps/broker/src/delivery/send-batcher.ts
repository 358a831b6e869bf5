import type { Sql } from "@mesh/db";
import { createGroupCommit, type GroupCommit } from "../lib/group-commit.ts";
import { type EnvelopeToStore, insertEnvelopes, type StoredEnvelope } from "./insert-envelopes.ts";
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
 * Collects sends from every session and commits them in batches of up to
 * `maxBatch`, one batch in flight at a time. FIFO, so envelopes of one
 * sender are stored in the order they came. A batch that comes near a
 * queue bound is held to the ledger's budgets (the bounds less what is
 * committed) as it is stored, and every batch's reservations are settled
 * before the next batch starts, whether it committed or failed.
 */
export function createSendBatcher(deps: {
  sql: Sql;
  instanceId: string;
  maxBatch: number;
  ledger: QueueLedger;
  undeliveredMaxAgeSeconds: number;
}): SendBatcher {
  const { ledger } = deps;
  return createGroupCommit({
    commit: async (sends) => {
      let results: StoredEnvelope[];
      try {
        results = await insertEnvelopes(
          deps.sql,
          sends.map((s) => ({ ...s.envelope, skipRecipientIds: s.reservation.skippedRecipientIds })),
          {
            origin: deps.instanceId,
            maxAgeSeconds: deps.undeliveredMaxAgeSeconds,
            ...(ledger.nearBounds(sends.map((s) => s.reservation))
              ? { budgetOf: (e: EnvelopeToStore) => ledger.budgets(e.meshId, e.senderMemberId) }
              : {}),
          },
        );
      } catch (e: unknown) {
        for (const s of sends) ledger.settle(s.reservation);
        throw e;
      }
      sends.forEach((s, i) => {
        const result = results[i];
        if (result?.kind === "queued") ledger.settle(s.reservation, result.recipientMemberIds, result.xid);
        else ledger.settle(s.reservation);
      });
      return results;
    },
    maxBatch: deps.maxBatch,
    batchSize: untilRepeatedClientId,
  });
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
