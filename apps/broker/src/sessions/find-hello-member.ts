import type { MemberRow, MeshRow, Sql } from "@mesh/db";

/** The member a hello names, and its mesh's client profile. */
export type HelloMember = Pick<MemberRow, "id" | "displayName"> & Pick<MeshRow, "clientProfile">;

/**
 * The non-revoked member of a mesh that is not archived with this public key
 * (and this id, when the hello names one), with the mesh's profile;
 * undefined when there is none.
 */
export async function findHelloMember(
  sql: Sql,
  h: { meshId: string; memberId: string | undefined; memberPubkey: string },
): Promise<HelloMember | undefined> {
  const [row] = await sql<HelloMember[]>`
    select m.id, m.display_name as "displayName", x.client_profile as "clientProfile"
    from mesh.member m
    join mesh.mesh x on x.id = m.mesh_id
    where m.mesh_id = ${h.meshId} and m.pubkey = ${h.memberPubkey}
      and (${h.memberId ?? null}::text is null or m.id = ${h.memberId ?? null})
      and m.revoked_at is null and x.archived_at is null`;
  return row;
}
