import type { Sql } from "@mesh/db";
import type { ViewSession } from "./view-state.ts";

interface LiveSessionRow {
  id: string;
  meshId: string;
  memberId: string;
  name: string;
  status: ViewSession["status"];
  source: ViewSession["source"];
  instanceId: string;
  connectedAt: Date;
  statusAt: Date;
}

/**
 * Live sessions (presences not disconnected) with their member's name, at
 * most `limit`, oldest mesh first. Reads no cwd, pid, summary or key: only
 * what the view shows.
 */
export async function readLiveSessions(
  sql: Sql,
  limit: number,
): Promise<{ sessions: Record<string, ViewSession>; truncated: boolean }> {
  const rows = await sql<LiveSessionRow[]>`
    select p.id, p.mesh_id as "meshId", p.member_id as "memberId", m.display_name as name, p.status,
           p.status_source as source, p.instance_id as "instanceId", p.connected_at as "connectedAt",
           p.status_updated_at as "statusAt"
    from mesh.presence p
    join mesh.member m on m.id = p.member_id
    where p.disconnected_at is null
    order by p.mesh_id, lower(m.display_name), p.connected_at
    limit ${limit + 1}`;
  const sessions: Record<string, ViewSession> = {};
  for (const r of rows.slice(0, limit)) {
    sessions[r.id] = {
      meshId: r.meshId,
      memberId: r.memberId,
      name: r.name,
      status: r.status,
      source: r.source,
      instanceId: r.instanceId,
      connectedAt: r.connectedAt.getTime(),
      statusAt: r.statusAt.getTime(),
    };
  }
  return { sessions, truncated: rows.length > limit };
}
