import type { Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, FAILURE_LOG_EVERY, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";

/** Shared view of database health, read by `/health` and the send path. */
export interface DbHealth {
  readonly healthy: boolean;
}

/**
 * Pings Postgres every `intervalMs` with a deadline of the same length, so an
 * outage is noticed within about two intervals and recovery within one. Give
 * it a connection of its own (`sql`), not the busy pool's.
 */
export function createDbPingSweeper(deps: {
  sql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  intervalMs: number;
  initiallyHealthy: boolean;
  /** Called when Postgres answers again after an outage. */
  onRecovered?: () => void;
}): PeriodicTask & DbHealth {
  const { sql, log, metrics, intervalMs } = deps;
  let healthy = deps.initiallyHealthy;
  let failures = 0;
  metrics.dbHealthChanged(healthy);

  // The ping in flight, if any. A ping that outlives its deadline is left to
  // finish on its own (cancelling it raced the driver's own bookkeeping); the
  // next rounds count as failures until it settles, and no second ping queues
  // behind it on the ping's single connection.
  let inFlight: Promise<unknown> | undefined;
  const sendPing = () => {
    const query = Promise.resolve(sql`select 1`).finally(() => {
      inFlight = undefined;
    });
    inFlight = query;
    return query;
  };

  const ping = async (): Promise<void> => {
    const query = inFlight ?? sendPing();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${intervalMs} ms`)), intervalMs);
    });
    try {
      await Promise.race([query, deadline]);
      const recovered = !healthy;
      if (recovered) log.info({ after_failures: failures }, "db healthy");
      healthy = true;
      if (recovered) deps.onRecovered?.();
      failures = 0;
    } catch (e: unknown) {
      if (healthy || failures % FAILURE_LOG_EVERY === 0) {
        log.warn({ err: toError(e), consecutive_failures: failures + 1 }, "db ping failed");
      }
      healthy = false;
      failures += 1;
    } finally {
      clearTimeout(timer);
      metrics.dbHealthChanged(healthy);
    }
  };

  const task = createPeriodicTask({ name: "db-ping", intervalMs, run: ping, log });
  return {
    ...task,
    get healthy() {
      return healthy;
    },
  };
}
