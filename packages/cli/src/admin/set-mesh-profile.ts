import type { Sql } from "@mesh/db";
import { type ClientProfile, clientProfile } from "@mesh/shared";
import { z } from "zod";
import { CliError } from "../cli-error.ts";

/** What `mesh admin set-profile` did. */
export interface ProfileChange {
  meshId: string;
  slug: string;
  /** The profile before the change. */
  previous: ClientProfile;
  profile: ClientProfile;
  /** False when the mesh already ran `profile`: nothing was written. */
  changed: boolean;
}

/** The audit event of a profile change; `detail` holds `{old, new}`. */
export const PROFILE_CHANGED_EVENT = "mesh_profile_changed";

/**
 * The admin commands write the database directly, with the operator's
 * credentials and no member identity: the audit log names them this way.
 */
const OPERATOR_ACTOR = "operator";

const lockedMeshSchema = z.object({ id: z.string().min(1), profile: clientProfile, archived: z.boolean() });

/**
 * Sets the client profile of the mesh with `slug` and writes a
 * `mesh_profile_changed` audit row with the old and new profile, in one
 * transaction that holds the mesh row, so two concurrent changes each log
 * the profile they really replaced. A mesh that already runs `profile` is
 * left alone, with no audit row. Refuses an unknown slug (`mesh_not_found`)
 * and an archived mesh (`mesh_archived`).
 */
export async function setMeshProfile(
  sql: Sql,
  request: { slug: string; profile: ClientProfile },
): Promise<ProfileChange> {
  const { slug, profile } = request;
  return sql.begin(async (tx) => {
    const [row] = await tx`
      select id, client_profile as profile, archived_at is not null as archived
      from mesh.mesh where slug = ${slug} for update`;
    if (row === undefined) throw new CliError("mesh_not_found", `this database has no mesh "${slug}"`);
    const parsed = lockedMeshSchema.safeParse(row);
    if (!parsed.success) {
      throw new CliError("db_corrupt", `mesh "${slug}" has an unexpected row: ${parsed.error.message}`);
    }
    const mesh = parsed.data;
    if (mesh.archived) throw new CliError("mesh_archived", `mesh "${slug}" is archived`);
    const change = { meshId: mesh.id, slug, previous: mesh.profile, profile };
    if (mesh.profile === profile) return { ...change, changed: false };
    await tx`update mesh.mesh set client_profile = ${profile} where id = ${mesh.id}`;
    await tx`
      insert into mesh.audit_log (event, mesh_id, actor, target, detail)
      values (${PROFILE_CHANGED_EVENT}, ${mesh.id}, ${OPERATOR_ACTOR}, ${mesh.id},
              ${tx.json({ old: mesh.profile, new: profile })})`;
    return { ...change, changed: true };
  });
}
