import type { Sql } from "@mesh/db";
import type { ClientProfile } from "@mesh/shared";

/** The mesh an admin request is about, as its checks and actions need it. */
export interface AdminMesh {
  id: string;
  slug: string;
  name: string;
  /** Lower-case hex. */
  ownerPubkey: string;
  rootKey: string;
  profile: ClientProfile;
  archived: boolean;
}

/** The mesh with `slug`, archived or not; undefined when there is none. */
export async function findAdminMesh(sql: Sql, slug: string): Promise<AdminMesh | undefined> {
  const [row] = await sql<AdminMesh[]>`
    select id, slug, name, lower(owner_pubkey) as "ownerPubkey", root_key as "rootKey",
           client_profile as profile, archived_at is not null as archived
    from mesh.mesh where slug = ${slug}`;
  return row;
}
