import type { Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, FAILURE_LOG_EVERY, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { type DbState, dbStateOf, type PingRow } from "./db-state.ts";

/** Shared view of database health, read by `/health` and the send, hook and join paths. */
export interface DbHealth {
  /** True only while Postgres answers and takes writes (`state` is `up`). */
  readonly healthy: boolean;
  readonly state: DbState;
}

/**
 * Pings Postgres every `intervalMs` with a deadline of the same length, so an
 * outage is noticed within about two intervals and recovery within one. The
 * ping also asks whether the server takes writes: a read-only one (a standby
 * after a failover, `default_transaction_read_only`) is unhealthy too, or
 * every send would reach it only to fail. Give it a connection of its own
 * (`sql`), not the busy pool's.
 */
export function createDbPingSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  intervalMs: number;
  initiallyHealthy: boolean;
  /** Called when Postgres answers and takes writes again after an outage or a read-only spell. */
  onRecovered?: () => void;
}): PeriodicTask & DbHealth {
  const { sql, log, metrics, intervalMs } = deps;
  let state: DbState = deps.initiallyHealthy ? "up" : "down";
  let failures = 0;
  metrics.dbHealthChanged(state === "up");

  // The ping in flight, if any. A ping that outlives its deadline is left to
  // finish on its own (cancelling it raced the driver's own bookkeeping); the
  // next rounds count as failures until it settles, and no second ping queues
  // behind it on the ping's single connection.
  let inFlight: Promise<PingRow[]> | undefined;
  const sendPing = () => {
    const query = Promise.resolve(
      sql<PingRow[]>`select current_setting('transaction_read_only') = 'on' as read_only,
                            pg_is_in_recovery() as in_recovery`,
    ).finally(() => {
      inFlight = undefined;
    });
    inFlight = query;
    return query;
  };

  const ping = async (): Promise<void> => {
    const query = inFlight ?? sendPing();
    const before = state;
    const failuresBefore = failures;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${intervalMs} ms`)), intervalMs);
    });
    try {
      const [row] = await Promise.race([query, deadline]);
      state = dbStateOf(row);
      failures = 0;
      if (state === "read_only" && before !== "read_only") {
        log.warn({ in_recovery: row?.in_recovery }, "db read-only: refusing sends, hooks and joins");
      }
    } catch (e: unknown) {
      if (before !== "down" || failures % FAILURE_LOG_EVERY === 0) {
        log.warn({ err: toError(e), consecutive_failures: failures + 1 }, "db ping failed");
      }
      state = "down";
      failures += 1;
    } finally {
      clearTimeout(timer);
      metrics.dbHealthChanged(state === "up");
    }
    if (state === "up" && before !== "up") {
      log.info({ after_failures: failuresBefore, was: before }, "db healthy");
      // Held envelopes flow again by themselves.
      deps.onRecovered?.();
    }
  };

  const task = createPeriodicTask({ name: "db-ping", intervalMs, run: ping, log });
  return {
    ...task,
    get healthy() {
      return state === "up";
    },
    get state() {
      return state;
    },
  };
}
