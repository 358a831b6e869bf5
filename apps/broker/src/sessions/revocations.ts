import type { Sql } from "@mesh/db";
import { CloseCode, ErrorCode } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import type { SessionHub } from "./session-hub.ts";

/** What was revoked: a member, or a whole mesh (archived). */
export type Revocation = { memberId: string } | { meshId: string };

/**
 * Closes this instance's sessions that a revocation ends, with 4002 and the
 * code as reason (`member_revoked`, `mesh_archived`): a revoked member's or
 * an archived mesh's session must not send, read peers or be pushed to any
 * more. Returns how many it closed.
 */
export function closeRevokedSessions(
  deps: { hub: SessionHub; metrics: BrokerMetrics; log: Logger },
  revocation: Revocation,
): number {
  const reason = "memberId" in revocation ? ErrorCode.memberRevoked : ErrorCode.meshArchived;
  let closed = 0;
  for (const ws of [...deps.hub.authenticatedSockets()]) {
    const session = ws.data.session;
    if (!session || ws.data.phase !== "open" || ws.data.closing) continue;
    const ended =
      "memberId" in revocation ? session.memberId === revocation.memberId : session.meshId === revocation.meshId;
    if (!ended) continue;
    ws.data.closing = true;
    deps.metrics.sessionClosedForCause(reason);
    session.log.info({ reason }, "ws session revoked: closing");
    ws.close(CloseCode.revoked, reason);
    closed += 1;
  }
  return closed;
}

/** Of these members, those revoked, and the meshes among theirs that are archived. */
export async function findRevoked(
  sql: Sql,
  memberIds: readonly string[],
): Promise<{ memberIds: string[]; meshIds: string[] }> {
  if (memberIds.length === 0) return { memberIds: [], meshIds: [] };
  const rows = await sql<{ memberId: string; meshId: string; revoked: boolean; archived: boolean }[]>`
    select m.id as "memberId", m.mesh_id as "meshId", m.revoked_at is not null as revoked,
           x.archived_at is not null as archived
    from mesh.member m join mesh.mesh x on x.id = m.mesh_id
    where m.id = any(${memberIds as string[]}::text[]) and (m.revoked_at is not null or x.archived_at is not null)`;
  return {
    memberIds: rows.filter((r) => r.revoked).map((r) => r.memberId),
    meshIds: [...new Set(rows.filter((r) => r.archived).map((r) => r.meshId))],
  };
}

/**
 * The backstop of the `mesh_revoke` notification: every `intervalMs`, looks
 * up the members with a session here and closes those revoked or archived
 * since (a notification lost while the listener reconnected, or a revocation
 * written while it was down).
 */
export function createRevocationCheck(deps: {
  sql: Sql;
  hub: SessionHub;
  metrics: BrokerMetrics;
  log: Logger;
  intervalMs: number;
}): PeriodicTask {
  return createPeriodicTask({
    name: "revocation-check",
    intervalMs: deps.intervalMs,
    log: deps.log,
    run: async () => {
      const revoked = await findRevoked(deps.sql, [...deps.hub.members()]);
      for (const memberId of revoked.memberIds) closeRevokedSessions(deps, { memberId });
      for (const meshId of revoked.meshIds) closeRevokedSessions(deps, { meshId });
    },
  });
}
