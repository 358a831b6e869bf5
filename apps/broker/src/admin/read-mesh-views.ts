import type { Sql } from "@mesh/db";
import type { ClientProfile } from "@mesh/shared";

/** A mesh as the admin API shows it (docs/admin-api.md#a-mesh). */
export interface MeshView {
  id: string;
  slug: string;
  name: string;
  ownerPubkey: string;
  profile: ClientProfile;
  archived: boolean;
  archivedAt: Date | null;
  createdAt: Date;
  /** Non-revoked members. */
  members: number;
  revokedMembers: number;
  /** Sessions open on any instance. */
  liveSessions: number;
  /** Undelivered, unexpired queue rows of non-revoked recipients. */
  backlog: number;
}

/**
 * Every mesh with its counts, by slug, or only the one with `slug`. The
 * backlog is counted per recipient through the undelivered-rows index.
 */
export async function readMeshViews(sql: Sql, filter: { slug?: string } = {}): Promise<MeshView[]> {
  return sql<MeshView[]>`
    select x.id, x.slug, x.name, lower(x.owner_pubkey) as "ownerPubkey", x.client_profile as profile,
           x.archived_at is not null as archived, x.archived_at as "archivedAt", x.created_at as "createdAt",
           (select count(*) from mesh.member m where m.mesh_id = x.id and m.revoked_at is null)::int as members,
           (select count(*) from mesh.member m
            where m.mesh_id = x.id and m.revoked_at is not null)::int as "revokedMembers",
           (select count(*) from mesh.presence p
            where p.mesh_id = x.id and p.disconnected_at is null)::int as "liveSessions",
           (select count(*) from mesh.member r
            join mesh.message_queue q on q.recipient_member_id = r.id and q.delivered_at is null
            where r.mesh_id = x.id and r.revoked_at is null
              and (q.expires_at is null or q.expires_at > now()))::int as backlog
    from mesh.mesh x
    where ${filter.slug === undefined ? sql`true` : sql`x.slug = ${filter.slug}`}
    order by x.slug`;
}
