import type { SqlOrTransaction } from "./write-audit.ts";

/** A live session as the admin API shows it (docs/admin-api.md#a-session). */
export interface SessionView {
  presenceId: string;
  memberId: string;
  memberName: string;
  instanceId: string;
  status: string;
  statusSource: string;
  statusUpdatedAt: Date;
  connectedAt: Date;
  /** Whole seconds since it connected, by the database clock. */
  connectedSeconds: number;
  lastPingAt: Date;
}

/** The mesh's live sessions on every instance, oldest first, or only `presenceId` if it is one of them. */
export async function readSessionViews(
  sql: SqlOrTransaction,
  meshId: string,
  presenceId?: string,
): Promise<SessionView[]> {
  return sql<SessionView[]>`
    select p.id as "presenceId", p.member_id as "memberId", m.display_name as "memberName",
           p.instance_id as "instanceId", p.status, p.status_source as "statusSource",
           p.status_updated_at as "statusUpdatedAt", p.connected_at as "connectedAt",
           floor(extract(epoch from now() - p.connected_at))::int as "connectedSeconds",
           p.last_ping_at as "lastPingAt"
    from mesh.presence p join mesh.member m on m.id = p.member_id
    where p.mesh_id = ${meshId} and p.disconnected_at is null
      ${presenceId === undefined ? sql`` : sql`and p.id = ${presenceId}`}
    order by p.connected_at, p.id`;
}
