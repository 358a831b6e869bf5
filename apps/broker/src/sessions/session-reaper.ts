import type { Sql } from "@mesh/db";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import { disconnectPresences } from "./disconnect-presences.ts";
import type { SessionHub } from "./session-hub.ts";
import { touchPresences } from "./touch-presences.ts";

/** This instance's presences no pong renewed for this many ping rounds are reaped. */
const SILENT_ROUNDS = 3;

/**
 * Every ping interval: closes local sessions that did not answer the last
 * ping, records the pongs (`last_ping_at`, one statement), pings the rest,
 * and marks disconnected this instance's presences that no pong renews any
 * more: sessions whose close could not be recorded while Postgres was away.
 * (Another instance's presences are reaped when its registry row goes
 * silent: see the instance heartbeat.)
 */
export function createSessionReaper(deps: {
  sql: Sql;
  log: Logger;
  hub: SessionHub;
  instanceId: string;
  pingIntervalMs: number;
  /** Members whose leased envelopes were released: their sessions here may take them. */
  onReleased: (memberIds: readonly string[]) => void;
}): PeriodicTask {
  const { hub, log } = deps;
  return createPeriodicTask({
    name: "session-reaper",
    intervalMs: deps.pingIntervalMs,
    log,
    run: async () => {
      const answered: string[] = [];
      for (const ws of [...hub.authenticatedSockets()]) {
        const session = ws.data.session;
        if (!session || ws.data.phase !== "open") continue;
        if (!session.answeredPing) {
          session.log.info("ws session unresponsive: closing");
          ws.terminate();
          continue;
        }
        answered.push(session.presenceId);
        session.answeredPing = false;
        ws.ping();
      }
      await touchPresences(deps.sql, answered);
      const silentSeconds = (SILENT_ROUNDS * deps.pingIntervalMs) / 1000;
      const { marked, releasedMemberIds } = await disconnectPresences(
        deps.sql,
        { instanceId: deps.instanceId, silentSeconds },
        deps.instanceId,
      );
      if (releasedMemberIds.length > 0) deps.onReleased(releasedMemberIds);
      if (marked > 0) log.info({ reaped: marked }, "stale presences reaped");
    },
  });
}
