import type { MemberRow, PresenceRow, Sql } from "@mesh/db";
import type { PeerInfo } from "@mesh/shared";

/**
 * The mesh's live sessions on every instance, oldest first, the asking
 * session (`selfPresenceId`) included and marked. A session that has its own
 * key is listed under it (`pubkey`), its member's key beside it.
 */
export async function listLivePeers(sql: Sql, meshId: string, selfPresenceId: string): Promise<PeerInfo[]> {
  const rows = await sql<
    (Pick<MemberRow, "displayName"> &
      Pick<PresenceRow, "id" | "status" | "summary" | "sessionId" | "cwd" | "connectedAt" | "sessionPubkey"> & {
        memberPubkey: MemberRow["pubkey"];
      })[]
  >`
    select p.id, m.pubkey as "memberPubkey", p.session_pubkey as "sessionPubkey", m.display_name as "displayName",
           p.status, p.summary, p.session_id as "sessionId", p.cwd, p.connected_at as "connectedAt"
    from mesh.presence p
    join mesh.member m on m.id = p.member_id
    where p.mesh_id = ${meshId} and p.disconnected_at is null
    order by p.connected_at, p.id`;
  return rows.map((r) => ({
    pubkey: r.sessionPubkey ?? r.memberPubkey,
    memberPubkey: r.memberPubkey,
    displayName: r.displayName,
    status: r.status,
    summary: r.summary,
    sessionId: r.sessionId,
    cwd: r.cwd,
    connectedAt: r.connectedAt.toISOString(),
    self: r.id === selfPresenceId,
  }));
}
