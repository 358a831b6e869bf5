import type { Sql } from "@mesh/db";
import type { Logger } from "../log/logger.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { disconnectPresences } from "../sql/disconnect-presences.ts";
import { heartbeatInstance, type InstanceRow, markSilentInstances } from "../sql/instance-registry.ts";
import { createPeriodicTask, type PeriodicTask } from "./periodic-task.ts";

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
  let healthySince: number | undefined;
  let lastBeat: number | undefined;

  const beat = async (): Promise<boolean> => {
    try {
      const outcome = await heartbeatInstance(sql, instance);
      const now = performance.now();
      if (lastBeat === undefined || now - lastBeat > deps.timeoutMs) healthySince = now;
      lastBeat = now;
      if (outcome === "declared_dead") {
        log.warn(
          { instanceId: instance.id },
          "this instance was found silent and reaped by a peer: closing its sessions so they reconnect",
        );
        healthySince = now;
        deps.onDeclaredDead();
        return false;
      }
      return now - (healthySince ?? now) >= deps.timeoutMs;
    } catch (e: unknown) {
      healthySince = undefined;
      lastBeat = undefined;
      throw e;
    }
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
