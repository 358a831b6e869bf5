import type { Sql } from "@mesh/db";
import type { ClientProfile } from "@mesh/shared";

/** What `POST /join` decides on, read in one round trip against one clock. */
export interface JoinState {
  /** The database clock at the read; expiry is judged against it, as the consuming update does. */
  now: Date;
  mesh: { ownerPubkey: string; archived: boolean; profile: ClientProfile } | undefined;
  invite:
    | { meshId: string; role: string; maxUses: number; usedCount: number; expiresAt: Date; revoked: boolean }
    | undefined;
  /** The member of the invite's mesh with the joining key, revoked or not. */
  member: { id: string; revoked: boolean } | undefined;
}

/** One row of outer joins: every column of a missing row is null. */
interface JoinStateRow {
  now: Date;
  ownerPubkey: string | null;
  meshArchived: boolean | null;
  meshProfile: ClientProfile | null;
  inviteMeshId: string | null;
  inviteRole: string | null;
  maxUses: number | null;
  usedCount: number | null;
  expiresAt: Date | null;
  inviteRevoked: boolean | null;
  memberId: string | null;
  memberRevoked: boolean | null;
}

/**
 * Reads the mesh named by the payload, the invite row of `token` and the
 * member of that mesh with `pubkey` — each possibly missing — in one query.
 */
export async function readJoinState(
  sql: Sql,
  join: { meshId: string; token: string; pubkey: string },
): Promise<JoinState> {
  const [row] = await sql<JoinStateRow[]>`
    select now() as now,
           m.owner_pubkey as "ownerPubkey", m.archived_at is not null as "meshArchived",
           m.client_profile as "meshProfile",
           i.mesh_id as "inviteMeshId", i.role as "inviteRole", i.max_uses as "maxUses",
           i.used_count as "usedCount", i.expires_at as "expiresAt", i.revoked_at is not null as "inviteRevoked",
           p.id as "memberId", p.revoked_at is not null as "memberRevoked"
    from (select 1) as one
    left join mesh.mesh m on m.id = ${join.meshId}
    left join mesh.invite i on i.token = ${join.token}
    left join mesh.member p on p.mesh_id = ${join.meshId} and p.pubkey = ${join.pubkey}`;
  if (!row) throw new Error("the join state query returned no row");
  return {
    now: row.now,
    mesh:
      row.ownerPubkey === null
        ? undefined
        : {
            ownerPubkey: row.ownerPubkey,
            archived: row.meshArchived === true,
            // A mesh row without a known profile is held to the stricter rule.
            profile: row.meshProfile === "claudemesh" ? "claudemesh" : "strict",
          },
    invite:
      row.inviteMeshId === null
        ? undefined
        : {
            meshId: row.inviteMeshId,
            role: row.inviteRole ?? "",
            maxUses: row.maxUses ?? 0,
            usedCount: row.usedCount ?? 0,
            expiresAt: row.expiresAt ?? new Date(0),
            revoked: row.inviteRevoked === true,
          },
    member: row.memberId === null ? undefined : { id: row.memberId, revoked: row.memberRevoked === true },
  };
}
