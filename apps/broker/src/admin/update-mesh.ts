import type { Sql } from "@mesh/db";
import { type ClientProfile, ErrorCode } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";
import type { AdminActor } from "./admin-actor.ts";
import { writeAdminAudit } from "./write-audit.ts";

/** What `PATCH /admin/meshes/:slug` asks for. */
export interface MeshUpdate {
  name?: string | undefined;
  profile?: ClientProfile | undefined;
}

/**
 * Renames a mesh and/or sets its client profile, holding its row, with one
 * `mesh_updated` audit row naming what changed (old and new). Nothing
 * differing: nothing written, false. An archived mesh is 409 `mesh_archived`.
 */
export async function updateMesh(sql: Sql, meshId: string, update: MeshUpdate, actor: AdminActor): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ name: string; profile: ClientProfile; archived: boolean }[]>`
      select name, client_profile as profile, archived_at is not null as archived
      from mesh.mesh where id = ${meshId} for update`;
    if (!row) throw new Error("the mesh disappeared under an admin request");
    if (row.archived) throw meshArchived();
    const name = update.name ?? row.name;
    const profile = update.profile ?? row.profile;
    const detail: Record<string, string> = {};
    if (name !== row.name) Object.assign(detail, { old_name: row.name, new_name: name });
    if (profile !== row.profile) Object.assign(detail, { old_profile: row.profile, new_profile: profile });
    if (Object.keys(detail).length === 0) return false;
    await tx`update mesh.mesh set name = ${name}, client_profile = ${profile} where id = ${meshId}`;
    await writeAdminAudit(tx, { event: "mesh_updated", meshId, actor, target: meshId, detail });
    return true;
  });
}

/** 409 `mesh_archived`: an archived mesh takes no change but its unarchival and revocations. */
export function meshArchived(): BrokerError {
  return new BrokerError(ErrorCode.meshArchived, 409, "the mesh is archived; unarchive it first");
}
