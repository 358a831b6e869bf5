import type { Sql } from "@mesh/db";
import type { AdminActor } from "./admin-actor.ts";
import { writeAdminAudit } from "./write-audit.ts";

/**
 * Archives (or unarchives) a mesh with its audit row (`mesh_archived`,
 * `mesh_unarchived`); false when it already was. At the commit of an
 * archival, migration 0007's trigger notifies `mesh_revoke` and every
 * instance closes the mesh's sessions.
 */
export async function setMeshArchived(
  sql: Sql,
  meshId: string,
  archived: boolean,
  actor: AdminActor,
): Promise<boolean> {
  return sql.begin(async (tx) => {
    const changed = await tx`
      update mesh.mesh set archived_at = ${archived ? tx`now()` : null}
      where id = ${meshId} and ${archived ? tx`archived_at is null` : tx`archived_at is not null`}`;
    if (changed.count === 0) return false;
    await writeAdminAudit(tx, {
      event: archived ? "mesh_archived" : "mesh_unarchived",
      meshId,
      actor,
      target: meshId,
    });
    return true;
  });
}
