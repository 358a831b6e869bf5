import type { Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import type { SessionHub } from "../sessions/session-hub.ts";
import { mayDeliver } from "../status/status-model.ts";
import { createAckBatcher } from "./ack-batcher.ts";
import type { EnvelopeAck } from "./acknowledge-envelopes.ts";
import { type ClaimedEnvelope, claimDeliverable, type DrainTarget } from "./claim-deliverable.ts";
import { encodePush } from "./push-frame.ts";
import { settlePushed } from "./settle-pushed.ts";

/** Pushes what Postgres holds for this instance's sessions, when their status allows. */
export interface Drainer {
  /** Asks for a drain of these members soon; requests in one turn coalesce into one query. */
  request: (memberIds: Iterable<string>) => void;
  /** Asks for a drain of every member with a session here. */
  requestAll: () => void;
  /**
   * A session's socket flushed its buffer (Bun's `drain`) or closed: its member
   * may be pushed to again.
   */
  resume: (memberId: string) => void;
  /**
   * A `client_ack`: ends the row's lease and marks it delivered (group
   * commit with other acks); "unknown" when the row is not this member's.
   */
  acknowledge: (ack: EnvelopeAck) => Promise<"acknowledged" | "unknown">;
  /** Drops waiting requests and resolves once a running drain and the acks in flight have finished (shutdown). */
  stop: () => Promise<void>;
}

/** Rows claimed per query, shared among the members drained; a member that filled its share may have more, so the drain goes on. */
const CLAIM_LIMIT = 500;
/** After a failed drain (Postgres away), try again this much later. */
const RETRY_AFTER_MS = 1000;
/** `client_ack`s committed per statement, at most. */
const MAX_ACK_BATCH = 1024;

/**
 * One drain at a time per instance: it claims rows for every requested
 * member in one statement (leased, `SKIP LOCKED`), pushes each row to every
 * session of its recipient whose status allows the priority, then marks
 * rows a legacy session took delivered, leaves rows only `ack` sessions took
 * leased until their `client_ack` (or the lease runs out), and releases the
 * rest. Requests arriving meanwhile
 * wait for the next round.
 */
export function createDrainer(deps: {
  sql: Sql;
  hub: SessionHub;
  log: Logger;
  leaseSeconds: number;
  /**
   * Unsent bytes a session may have buffered before pushes to it pause until
   * its socket drains (`WS_BACKPRESSURE_LIMIT_BYTES`). A session that stops
   * reading altogether also stops answering pings and is dropped by the reaper.
   */
  backpressureLimitBytes: number;
}): Drainer {
  const { sql, hub, log } = deps;
  const pending = new Set<string>();
  /** Members whose socket is past the backpressure limit: not drained again until it drains. */
  const backedUp = new Set<string>();
  let running: Promise<void> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const acks = createAckBatcher({ sql, maxBatch: MAX_ACK_BATCH });

  const targetFor = (memberId: string): DrainTarget | undefined => {
    const sockets = hub.sessionsOf(memberId);
    if (!sockets) return undefined;
    let lease: string | undefined;
    let acceptsAll = false;
    for (const ws of sockets) {
      const s = ws.data.session;
      if (!s || ws.data.phase !== "open") continue;
      lease ??= s.presenceId;
      if (mayDeliver(s.status.status, "low")) {
        acceptsAll = true;
        lease = s.presenceId;
        break;
      }
    }
    return lease === undefined ? undefined : { memberId, acceptsAll, leasePresenceId: lease };
  };

  const push = (rows: readonly ClaimedEnvelope[]): { delivered: string[]; released: string[] } => {
    const byRecipient = new Map<string, ClaimedEnvelope[]>();
    for (const row of rows) {
      const group = byRecipient.get(row.recipientMemberId);
      if (group) group.push(row);
      else byRecipient.set(row.recipientMemberId, [row]);
    }
    const handedToLegacy = new Set<string>();
    const handedToAcking = new Set<string>();
    for (const [memberId, group] of byRecipient) {
      const frames = group.map(encodePush);
      for (const ws of hub.sessionsOf(memberId) ?? []) {
        const s = ws.data.session;
        if (!s || ws.data.phase !== "open") continue;
        const taken = s.features.has("ack") ? handedToAcking : handedToLegacy;
        // One write for all of this drain's pushes to the socket (outside Bun's callbacks, sends are not corked).
        ws.cork(() => {
          for (const [i, row] of group.entries()) {
            if (!mayDeliver(s.status.status, row.priority)) continue;
            // A session that is not reading fast enough gets no more than the backpressure limit
            // buffered: the rest stays queued until Bun reports the socket drained.
            if (ws.getBufferedAmount() >= deps.backpressureLimitBytes) {
              backedUp.add(memberId);
              return;
            }
            // -1: queued under backpressure; 0: dropped (the socket is gone).
            if (ws.send(frames[i] as string) !== 0) taken.add(row.id);
          }
        });
      }
    }
    // A legacy session counts as delivered on hand-off; an acking one keeps the lease until client_ack.
    const delivered: string[] = [];
    const released: string[] = [];
    for (const row of rows) {
      if (handedToLegacy.has(row.id)) delivered.push(row.id);
      else if (!handedToAcking.has(row.id)) released.push(row.id);
    }
    return { delivered, released };
  };

  const drainOnce = async (memberIds: string[]): Promise<boolean> => {
    const targets = memberIds.map(targetFor).filter((t): t is DrainTarget => t !== undefined);
    if (targets.length === 0) return false;
    const { rows, more } = await claimDeliverable(sql, targets, CLAIM_LIMIT, deps.leaseSeconds);
    const { delivered, released } = push(rows);
    await settlePushed(sql, delivered, released);
    return more;
  };

  const run = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (pending.size > 0) {
      const ids = [...pending];
      pending.clear();
      try {
        const more = await drainOnce(ids);
        if (more) for (const id of ids) if (!backedUp.has(id)) pending.add(id);
      } catch (e: unknown) {
        log.warn({ err: toError(e), members: ids.length }, "drain failed; retrying");
        for (const id of ids) pending.add(id);
        retryTimer ??= setTimeout(() => {
          retryTimer = undefined;
          kick();
        }, RETRY_AFTER_MS);
        return;
      }
    }
  };

  const kick = (): void => {
    if (running || retryTimer) return;
    running = run().finally(() => {
      running = undefined;
      if (pending.size > 0) kick();
    });
  };

  return {
    request: (memberIds) => {
      for (const id of memberIds) if (hub.sessionsOf(id) && !backedUp.has(id)) pending.add(id);
      if (pending.size > 0) kick();
    },
    requestAll: () => {
      for (const id of hub.members()) if (!backedUp.has(id)) pending.add(id);
      if (pending.size > 0) kick();
    },
    resume: (memberId) => {
      if (!backedUp.delete(memberId)) return;
      if (hub.sessionsOf(memberId)) pending.add(memberId);
      if (pending.size > 0) kick();
    },
    acknowledge: (ack) => acks.submit(ack),
    stop: async () => {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      pending.clear();
      while (running) await running;
      await acks.idle();
    },
  };
}
