import type { Sql } from "@mesh/db";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { disconnectPresences } from "../sessions/disconnect-presences.ts";
import { type InstanceRow, markSilentInstances, renewInstance } from "./instance-registry.ts";

/**
 * Every `heartbeatMs`: renews this instance's registry row, then reaps the
 * instances whose rows went silent for `timeoutMs` — they are marked stopped,
 * their presences disconnected and their leases released, so their clients'
 * envelopes go to the sessions those clients open on a survivor.
 *
 * A survivor only reaps once its own heartbeats have succeeded without a
 * gap for `timeoutMs`: after a Postgres outage every row is old, and a live
 * peer must get the chance to renew its own before anyone judges it. If this
 * instance was itself judged dead (stalled, or cut off from Postgres while
 * the others were not), its sessions' presences are gone: `onDeclaredDead`
 * closes them so their clients reconnect and get fresh ones.
 */
export function createInstanceHeartbeat(deps: {
  sql: Sql;
  /**
   * The health ping's own connection, for the heartbeat itself: a pool busy
   * with a backlog must not make this instance look dead to the others.
   */
  heartbeatSql: Sql;
  log: Logger;
  metrics: BrokerMetrics;
  instance: InstanceRow;
  heartbeatMs: number;
  timeoutMs: number;
  onDeclaredDead: () => void;
  /** Members whose leased envelopes a reap released: their sessions here may take them. */
  onReleased: (memberIds: readonly string[]) => void;
}): PeriodicTask {
  const { sql, log, instance } = deps;
  const guard = new ReapGuard(deps.timeoutMs);

  /** Renews the row; true when this instance may judge the others now. */
  const beat = async (): Promise<boolean> => {
    let before: Awaited<ReturnType<typeof renewInstance>>;
    try {
      before = await renewInstance(deps.heartbeatSql, instance);
    } catch (e: unknown) {
      guard.failed();
      throw e;
    }
    const mayReap = guard.succeeded(performance.now());
    // Registered at start-up, so a missing row was stopped and then deleted: reaped as well.
    if (before === "alive") return mayReap;
    log.warn(
      { instanceId: instance.id },
      "this instance was found silent and reaped by a peer: closing its sessions so they reconnect",
    );
    guard.failed();
    deps.onDeclaredDead();
    return false;
  };

  return createPeriodicTask({
    name: "instance-heartbeat",
    intervalMs: deps.heartbeatMs,
    log,
    run: async () => {
      if (!(await beat())) return;
      const timeoutSeconds = deps.timeoutMs / 1000;
      const silent = await markSilentInstances(sql, { exceptInstanceId: instance.id, timeoutSeconds });
      const { marked, releasedMemberIds } = await disconnectPresences(
        sql,
        { deadInstanceSeconds: timeoutSeconds, exceptInstanceId: instance.id },
        instance.id,
      );
      deps.metrics.instancesReapedCount(silent.length);
      if (releasedMemberIds.length > 0) deps.onReleased(releasedMemberIds);
      if (silent.length > 0 || marked > 0)
        log.warn({ instances: silent, presences: marked }, "silent broker instances reaped");
    },
  });
}

/**
 * When an instance may judge the others: once its own heartbeats have
 * succeeded without a gap (a failure, or a pause longer than the timeout)
 * for a whole timeout. Times in milliseconds, from a monotonic clock.
 */
export class ReapGuard {
  private since: number | undefined;
  private last: number | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** A heartbeat succeeded at `now`; true when reaping is allowed. */
  succeeded(now: number): boolean {
    if (this.since === undefined || this.last === undefined || now - this.last > this.timeoutMs) this.since = now;
    this.last = now;
    return now - this.since >= this.timeoutMs;
  }

  /** A heartbeat failed (or this instance was itself reaped): start over. */
  failed(): void {
    this.since = undefined;
    this.last = undefined;
  }
}
