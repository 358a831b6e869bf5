import type { Sql } from "@mesh/db";
import { type ClientProfile, ErrorCode } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";
import type { AdminActor } from "./admin-actor.ts";
import { writeAdminAudit } from "./write-audit.ts";

/** SQLSTATE unique_violation: the slug is taken (a concurrent create won, or it was taken before). */
const UNIQUE_VIOLATION = "23505";

/** The columns of a new mesh; its id comes from the database. */
export interface NewMesh {
  slug: string;
  name: string;
  ownerPubkey: string;
  rootKey: string;
  profile: ClientProfile;
}

/**
 * Inserts a mesh and its `mesh_created` audit row in one transaction;
 * returns its id. A taken slug is 409 `mesh_exists`.
 */
export async function insertAdminMesh(sql: Sql, mesh: NewMesh, actor: AdminActor): Promise<string> {
  try {
    return await sql.begin(async (tx) => {
      const [row] = await tx<{ id: string }[]>`
        insert into mesh.mesh (name, slug, owner_pubkey, root_key, client_profile)
        values (${mesh.name}, ${mesh.slug}, ${mesh.ownerPubkey}, ${mesh.rootKey}, ${mesh.profile})
        returning id`;
      if (!row) throw new Error("the mesh insert returned no id");
      await writeAdminAudit(tx, {
        event: "mesh_created",
        meshId: row.id,
        actor,
        target: row.id,
        detail: { slug: mesh.slug, profile: mesh.profile, owner_pubkey: mesh.ownerPubkey },
      });
      return row.id;
    });
  } catch (e: unknown) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) {
      throw new BrokerError(ErrorCode.meshExists, 409, `a mesh with slug "${mesh.slug}" already exists`);
    }
    throw e;
  }
}
