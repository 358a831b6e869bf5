import type { MemberRow, PresenceRow, Sql } from "@mesh/db";
import type { PeerInfo } from "@mesh/shared";

/** The mesh's live sessions on every instance, oldest first, except `excludePresenceId`. */
export async function listLivePeers(sql: Sql, meshId: string, excludePresenceId: string): Promise<PeerInfo[]> {
  const rows = await sql<
    (Pick<MemberRow, "pubkey" | "displayName"> & Pick<PresenceRow, "status" | "sessionId" | "cwd" | "connectedAt">)[]
  >`
    select m.pubkey, m.display_name as "displayName", p.status, p.session_id as "sessionId", p.cwd,
           p.connected_at as "connectedAt"
    from mesh.presence p
    join mesh.member m on m.id = p.member_id
    where p.mesh_id = ${meshId} and p.disconnected_at is null and p.id <> ${excludePresenceId}
    order by p.connected_at, p.id`;
  return rows.map((r) => ({ ...r, connectedAt: r.connectedAt.toISOString() }));
}
