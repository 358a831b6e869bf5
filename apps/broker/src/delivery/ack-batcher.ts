import type { Sql } from "@mesh/db";
import { createGroupCommit, type GroupCommit } from "../lib/group-commit.ts";
import { ackKey, acknowledgeEnvelopes, type EnvelopeAck } from "./acknowledge-envelopes.ts";

/** Group commit for `client_ack`s; resolves "unknown" when the row is not this member's. */
export type AckBatcher = GroupCommit<EnvelopeAck, "acknowledged" | "unknown">;

/**
 * Collects `client_ack`s from every session and commits them in batches of
 * up to `maxBatch`: one statement per commit instead of one per envelope
 * keeps the pool free for sends and drains.
 */
export function createAckBatcher(deps: { sql: Sql; maxBatch: number }): AckBatcher {
  return createGroupCommit({
    commit: async (acks) => {
      const matched = await acknowledgeEnvelopes(deps.sql, acks);
      return acks.map((ack) => (matched.has(ackKey(ack)) ? "acknowledged" : "unknown"));
    },
    maxBatch: deps.maxBatch,
  });
}
