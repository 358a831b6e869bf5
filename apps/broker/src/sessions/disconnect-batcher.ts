import type { Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import { createGroupCommit } from "../lib/group-commit.ts";
import type { Logger } from "../lib/logger.ts";
import { disconnectPresences } from "./disconnect-presences.ts";

/** Marks closed sessions' presences disconnected, many per statement. */
export interface DisconnectBatcher {
  /** Queues a closed session's presence; failures are logged, never thrown. */
  submit: (presenceId: string) => void;
  /** Resolves when nothing is waiting or in flight. */
  idle: () => Promise<void>;
}

/**
 * Collects the presences of sessions that closed and marks them (and
 * releases their leases, waking the members' sessions here and elsewhere) in batches of up to `maxBatch`. A close storm (a
 * load balancer dropping thousands of sockets) then costs a few statements
 * instead of one per socket queued ahead of every send, hello and health ping.
 */
export function createDisconnectBatcher(deps: {
  sql: Sql;
  log: Logger;
  maxBatch: number;
  instanceId: string;
  /** Members whose leased envelopes the closed sessions gave back: their sessions here may take them. */
  onReleased: (memberIds: readonly string[]) => void;
}): DisconnectBatcher {
  const batches = createGroupCommit<string, undefined>({
    commit: async (presenceIds) => {
      try {
        const { releasedMemberIds } = await disconnectPresences(deps.sql, { presenceIds }, deps.instanceId);
        if (releasedMemberIds.length > 0) deps.onReleased(releasedMemberIds);
      } catch (e: unknown) {
        deps.log.warn({ err: toError(e), presences: presenceIds.length }, "could not mark presences disconnected");
      }
      return presenceIds.map(() => undefined);
    },
    maxBatch: deps.maxBatch,
  });
  return {
    submit: (presenceId) => void batches.submit(presenceId),
    idle: batches.idle,
  };
}
