import type { Sql } from "@mesh/db";

/** A member as the admin API shows it (docs/admin-api.md#a-member). */
export interface MemberView {
  id: string;
  name: string;
  pubkey: string;
  role: string;
  joinedAt: Date;
  /** The latest pong or close of its sessions still on record; null when none is. */
  lastSeenAt: Date | null;
  liveSessions: number;
  /** Unexpired queue rows waiting for it. */
  undelivered: number;
  revoked: boolean;
  revokedAt: Date | null;
}

/**
 * The mesh's members by join time, revoked ones included, or only `memberId`.
 * Presences are read in one pass over the mesh's; each member's waiting rows
 * through the undelivered-rows index.
 */
export async function readMemberViews(sql: Sql, meshId: string, memberId?: string): Promise<MemberView[]> {
  return sql<MemberView[]>`
    select m.id, m.display_name as name, m.pubkey, m.role, m.joined_at as "joinedAt",
           s.last_seen as "lastSeenAt", coalesce(s.live, 0)::int as "liveSessions",
           (select count(*) from mesh.message_queue q
            where q.recipient_member_id = m.id and q.delivered_at is null
              and (q.expires_at is null or q.expires_at > now()))::int as undelivered,
           m.revoked_at is not null as revoked, m.revoked_at as "revokedAt"
    from mesh.member m
    left join (
      select member_id, max(coalesce(disconnected_at, last_ping_at)) as last_seen,
             count(*) filter (where disconnected_at is null) as live
      from mesh.presence where mesh_id = ${meshId}
      group by member_id
    ) s on s.member_id = m.id
    where m.mesh_id = ${meshId} ${memberId === undefined ? sql`` : sql`and m.id = ${memberId}`}
    order by m.joined_at, m.id`;
}
