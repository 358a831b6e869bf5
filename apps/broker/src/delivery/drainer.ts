import type { Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import { STOP_WAIT_MS, settlesWithin } from "../lifecycle/bounded-wait.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import type { SessionHub } from "../sessions/session-hub.ts";
import { createAckBatcher } from "./ack-batcher.ts";
import type { EnvelopeAck } from "./acknowledge-envelopes.ts";
import { type ClaimedEnvelope, claimDeliverable, type DrainTarget } from "./claim-deliverable.ts";
import { drainTargetFor, pushClaimed } from "./push-claimed.ts";
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
   * Rows stored already leased to sessions here (`insertEnvelopes`'
   * `leaseLocal`), committed at `storedAt` (`performance.now()`): pushed now,
   * as a drain pushes what it claimed, or right after the drain in flight
   * when it may be pushing older rows to the same member (a member's rows go
   * out in the order they were taken).
   */
  pushLeased: (rows: readonly ClaimedEnvelope[], storedAt: number) => void;
  /**
   * A `client_ack`: ends the row's lease and marks it delivered (group
   * commit with other acks); "unknown" when the row is not this member's.
   */
  acknowledge: (ack: EnvelopeAck) => Promise<"acknowledged" | "unknown">;
  /**
   * Drops waiting requests, starts no drain any more, and resolves once a
   * running drain and the acks in flight have finished, or after
   * `STOP_WAIT_MS` when they are stuck on an unreachable database (shutdown).
   */
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
 * member in one statement (leased, `SKIP LOCKED`), pushes them
 * (`pushClaimed`), then marks rows a legacy session took delivered, leaves
 * rows only `ack` sessions took leased until their `client_ack` (or the
 * lease runs out), and releases the rest. Requests arriving meanwhile wait
 * for the next round.
 */
export function createDrainer(deps: {
  sql: Sql;
  hub: SessionHub;
  log: Logger;
  metrics: BrokerMetrics;
  leaseSeconds: number;
  /**
   * Unsent bytes a session may have buffered before pushes to it pause until
   * its socket drains (`WS_BACKPRESSURE_LIMIT_BYTES`). A session that stops
   * reading altogether also stops answering pings and is dropped by the reaper.
   */
  backpressureLimitBytes: number;
  /** Rows a session here took (delivered, or leased to an `ack` session): they no longer wait in the queue. */
  onPushed?: (rows: readonly ClaimedEnvelope[]) => void;
}): Drainer {
  const { sql, hub, log } = deps;
  const pending = new Set<string>();
  /** Members whose socket is past the backpressure limit: not drained again until it drains. */
  const backedUp = new Set<string>();
  let running: Promise<void> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const acks = createAckBatcher({ sql, maxBatch: MAX_ACK_BATCH });

  const sessionsOf = (memberId: string) => hub.openSessionsOf(memberId);

  /** Members the drain in flight claims for, until it has pushed; leased rows for them wait in `deferred`. */
  let draining = new Set<string>();
  let deferred: { rows: ClaimedEnvelope[]; storedAt: number }[] = [];

  /**
   * Pushes rows leased to sessions here (claimed at `takenAt`), counts them,
   * and settles what legacy sessions took or nobody did: the part of a drain
   * after its claim, shared with rows leased at insert.
   */
  const pushRows = (rows: readonly ClaimedEnvelope[], takenAt: number): Promise<void> => {
    const pushed = pushClaimed(rows, sessionsOf, deps.backpressureLimitBytes);
    const sinceTaken = (performance.now() - takenAt) / 1000;
    const released = new Set(pushed.released);
    const handedOff = new Set(pushed.delivered);
    const taken = rows.filter((r) => !released.has(r.id));
    for (const r of taken) {
      deps.metrics.envelopePushed(
        r.priority,
        handedOff.has(r.id) ? "handoff" : "ack",
        r.pushes,
        r.waitedSeconds + sinceTaken,
      );
    }
    deps.onPushed?.(taken);
    for (const id of pushed.backedUp) backedUp.add(id);
    return settlePushed(sql, pushed.delivered, pushed.released);
  };

  /** Leased rows pushed outside a drain: a failed settle leaves their leases to run out (the repair drain). */
  const pushLeasedNow = (rows: readonly ClaimedEnvelope[], storedAt: number): void => {
    if (rows.length === 0) return;
    const failed = (e: unknown) => {
      log.warn({ err: toError(e), rows: rows.length }, "pushing or settling leased rows failed; their leases run out");
    };
    // The caller is the send batcher, whose senders must still hear that their envelopes are stored.
    try {
      pushRows(rows, storedAt).catch(failed);
    } catch (e: unknown) {
      failed(e);
    }
  };

  const flushDeferred = (): void => {
    draining = new Set();
    const waiting = deferred;
    deferred = [];
    for (const d of waiting) pushLeasedNow(d.rows, d.storedAt);
  };

  const drainOnce = async (memberIds: string[]): Promise<boolean> => {
    const targets: DrainTarget[] = [];
    for (const id of memberIds) {
      const target = drainTargetFor(id, sessionsOf(id));
      if (target) targets.push(target);
    }
    if (targets.length === 0) return false;
    draining = new Set(targets.map((t) => t.memberId));
    let settled: Promise<void>;
    let more: boolean;
    try {
      const claim = await claimDeliverable(sql, targets, CLAIM_LIMIT, deps.leaseSeconds);
      more = claim.more;
      settled = pushRows(claim.rows, performance.now());
    } finally {
      flushDeferred();
    }
    await settled;
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
    if (stopped || running || retryTimer) return;
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
    // Also once stopped: a session still open takes them; rows no session takes are released by the settle.
    pushLeased: (rows, storedAt) => {
      const now: ClaimedEnvelope[] = [];
      const later: ClaimedEnvelope[] = [];
      for (const r of rows) (draining.has(r.recipientMemberId) ? later : now).push(r);
      if (later.length > 0) deferred.push({ rows: later, storedAt });
      pushLeasedNow(now, storedAt);
    },
    acknowledge: async (ack) => {
      const result = await acks.submit(ack);
      if (result === "acknowledged") deps.metrics.envelopeAcknowledged();
      return result;
    },
    stop: async () => {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      pending.clear();
      const inFlight = (async () => {
        while (running) await running;
        await acks.idle();
      })();
      if (!(await settlesWithin(inFlight, STOP_WAIT_MS))) {
        log.warn({ waited_ms: STOP_WAIT_MS }, "drain or acks still in progress at stop: left behind");
      }
    },
  };
}
