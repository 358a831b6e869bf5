import type { Sql } from "@mesh/db";
import { createGroupCommit, type GroupCommit } from "../lib/group-commit.ts";
import { type EnvelopeToStore, insertEnvelopes, type StoredEnvelope } from "./insert-envelopes.ts";

/** Group commit for sends: many sends, one transaction. Resolves once the envelope is committed (or found to be a retry). */
export type SendBatcher = GroupCommit<EnvelopeToStore, StoredEnvelope>;

/**
 * Collects sends from every session and commits them in batches of up to
 * `maxBatch`, one batch in flight at a time. FIFO, so envelopes of one
 * sender are stored in the order they came.
 */
export function createSendBatcher(deps: { sql: Sql; instanceId: string; maxBatch: number }): SendBatcher {
  return createGroupCommit({
    commit: (envelopes) => insertEnvelopes(deps.sql, envelopes, deps.instanceId),
    maxBatch: deps.maxBatch,
    batchSize: untilRepeatedClientId,
  });
}

/** A batch never repeats a (sender, client id): a retry racing its original waits for the next batch. */
function untilRepeatedClientId(envelopes: readonly EnvelopeToStore[], cap: number): number {
  const keys = new Set<string>();
  let n = 0;
  while (n < cap) {
    const e = envelopes[n] as EnvelopeToStore;
    if (e.clientId !== null) {
      const key = `${e.senderMemberId}\u0000${e.clientId}`;
      if (keys.has(key)) break;
      keys.add(key);
    }
    n += 1;
  }
  return n;
}
