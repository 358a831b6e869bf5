import type { Sql } from "@mesh/db";
import { ErrorCode } from "@mesh/shared";
import { REVOKE_CHANNEL } from "../delivery/wake-listener.ts";
import { BrokerError } from "../server/broker-error.ts";
import type { AdminActor } from "./admin-actor.ts";
import { readSessionViews, type SessionView } from "./read-session-views.ts";
import { writeAdminAudit } from "./write-audit.ts";

/**
 * Kicks one live session of the mesh: its `session_kicked` audit row and a
 * `mesh_revoke` notification `{presenceId}` in one transaction; at the
 * commit, the instance holding the session closes it with 4003. Returns the
 * session as it was; 404 `session_not_found` when the mesh has no live
 * session with that id.
 */
export async function kickSession(
  sql: Sql,
  target: { meshId: string; presenceId: string },
  actor: AdminActor,
): Promise<SessionView> {
  return sql.begin(async (tx) => {
    const [session] = await readSessionViews(tx, target.meshId, target.presenceId);
    if (!session) {
      throw new BrokerError(ErrorCode.sessionNotFound, 404, `the mesh has no live session ${target.presenceId}`);
    }
    await writeAdminAudit(tx, {
      event: "session_kicked",
      meshId: target.meshId,
      actor,
      target: target.presenceId,
      detail: { member_id: session.memberId, instance_id: session.instanceId },
    });
    await tx`select pg_notify(${REVOKE_CHANNEL}, ${JSON.stringify({ presenceId: target.presenceId })})`;
    return session;
  });
}
