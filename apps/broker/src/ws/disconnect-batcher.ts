import type { Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import type { Logger } from "../log/logger.ts";
import { disconnectPresences } from "../sql/disconnect-presences.ts";

/** Marks closed sessions' presences disconnected, many per statement. */
export interface DisconnectBatcher {
  /** Queues a closed session's presence; failures are logged, never thrown. */
  submit: (presenceId: string) => void;
  /** Resolves when nothing is waiting or in flight. */
  idle: () => Promise<void>;
}

/**
 * Collects the presences of sessions that closed and marks them (and
 * releases their leases) in batches of up to `maxBatch`, one batch in
 * flight at a time. A close storm (a load balancer dropping thousands of
 * sockets) then costs a few statements instead of one per socket queued
 * ahead of every send, hello and health ping.
 */
export function createDisconnectBatcher(deps: { sql: Sql; log: Logger; maxBatch: number }): DisconnectBatcher {
  const waiting: string[] = [];
  let flushing: Promise<void> | undefined;

  const flush = async (): Promise<void> => {
    // Let every close of this turn join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const batch = waiting.splice(0, deps.maxBatch);
      try {
        await disconnectPresences(deps.sql, { presenceIds: batch });
      } catch (e: unknown) {
        deps.log.warn({ err: toError(e), presences: batch.length }, "could not mark presences disconnected");
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
    submit: (presenceId) => {
      waiting.push(presenceId);
      kick();
    },
    idle: async () => {
      while (flushing) await flushing;
    },
  };
}
