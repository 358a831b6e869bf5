import type { Sql } from "@mesh/db";
import { CloseCode, ErrorCode } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import type { SessionHub } from "./session-hub.ts";

/** What was revoked: a member, a whole mesh (archived), or one session (kicked by an admin). */
export type Revocation = { memberId: string } | { meshId: string } | { presenceId: string };

/** The close code and reason of each kind of revocation. */
function closeFor(revocation: Revocation): {
  code: number;
  reason: "member_revoked" | "mesh_archived" | "session_kicked";
} {
  if ("memberId" in revocation) return { code: CloseCode.revoked, reason: ErrorCode.memberRevoked };
  if ("meshId" in revocation) return { code: CloseCode.revoked, reason: ErrorCode.meshArchived };
  return { code: CloseCode.kicked, reason: ErrorCode.sessionKicked };
}

/** Whether a revocation ends this session. */
function ends(revocation: Revocation, session: { memberId: string; meshId: string; presenceId: string }): boolean {
  if ("memberId" in revocation) return session.memberId === revocation.memberId;
  if ("meshId" in revocation) return session.meshId === revocation.meshId;
  return session.presenceId === revocation.presenceId;
}

/**
 * Closes this instance's sessions that a revocation ends, with 4002 and the
 * code as reason (`member_revoked`, `mesh_archived`): a revoked member's or
 * an archived mesh's session must not send, read peers or be pushed to any
 * more. A kicked session is closed with 4003 `session_kicked` (its member
 * may come back). Returns how many it closed.
 */
export function closeRevokedSessions(
  deps: { hub: SessionHub; metrics: BrokerMetrics; log: Logger },
  revocation: Revocation,
): number {
  const { code, reason } = closeFor(revocation);
  let closed = 0;
  for (const ws of [...deps.hub.authenticatedSockets()]) {
    const session = ws.data.session;
    if (!session || ws.data.phase !== "open" || ws.data.closing) continue;
    if (!ends(revocation, session)) continue;
    ws.data.closing = true;
    // A kick is an admin's action on one session, counted by its audit row, not a close for cause.
    if (reason !== ErrorCode.sessionKicked) deps.metrics.sessionClosedForCause(reason);
    session.log.info({ reason }, "ws session revoked: closing");
    ws.close(code, reason);
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
