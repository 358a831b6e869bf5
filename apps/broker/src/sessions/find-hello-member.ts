import type { Sql } from "@mesh/db";

/**
 * The display name of a non-revoked member with exactly this id, mesh and
 * public key, in a mesh that is not archived; undefined when there is none.
 */
export async function findHelloMember(
  sql: Sql,
  h: { meshId: string; memberId: string; pubkey: string },
): Promise<{ displayName: string } | undefined> {
  const [row] = await sql<{ displayName: string }[]>`
    select m.display_name as "displayName"
    from mesh.member m
    join mesh.mesh x on x.id = m.mesh_id
    where m.id = ${h.memberId} and m.mesh_id = ${h.meshId} and m.pubkey = ${h.pubkey}
      and m.revoked_at is null and x.archived_at is null`;
  return row;
}
