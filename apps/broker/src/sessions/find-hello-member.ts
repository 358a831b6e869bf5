import type { MemberRow, MeshRow, Sql } from "@mesh/db";

/** The member a hello names, and its mesh's client profile. */
export type HelloMember = Pick<MemberRow, "displayName"> & Pick<MeshRow, "clientProfile">;

/**
 * The display name of a non-revoked member with exactly this id, mesh and
 * public key, in a mesh that is not archived, with the mesh's profile;
 * undefined when there is none.
 */
export async function findHelloMember(
  sql: Sql,
  h: { meshId: string; memberId: string; pubkey: string },
): Promise<HelloMember | undefined> {
  const [row] = await sql<HelloMember[]>`
    select m.display_name as "displayName", x.client_profile as "clientProfile"
    from mesh.member m
    join mesh.mesh x on x.id = m.mesh_id
    where m.id = ${h.memberId} and m.mesh_id = ${h.meshId} and m.pubkey = ${h.pubkey}
      and m.revoked_at is null and x.archived_at is null`;
  return row;
}
