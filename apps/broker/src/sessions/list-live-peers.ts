import type { Sql } from "@mesh/db";
import type { PeerInfo, Status } from "@mesh/shared";

/** The mesh's live sessions on every instance, oldest first, except `excludePresenceId`. */
export async function listLivePeers(sql: Sql, meshId: string, excludePresenceId: string): Promise<PeerInfo[]> {
  const rows = await sql<
    {
      pubkey: string;
      displayName: string;
      status: Status;
      sessionId: string;
      cwd: string | null;
      connectedMs: number;
    }[]
  >`
    select m.pubkey, m.display_name as "displayName", p.status, p.session_id as "sessionId", p.cwd,
           (extract(epoch from p.connected_at) * 1000)::float8 as "connectedMs"
    from mesh.presence p
    join mesh.member m on m.id = p.member_id
    where p.mesh_id = ${meshId} and p.disconnected_at is null and p.id <> ${excludePresenceId}
    order by p.connected_at, p.id`;
  return rows.map(({ connectedMs, ...r }) => ({ ...r, connectedAt: new Date(connectedMs).toISOString() }));
}
