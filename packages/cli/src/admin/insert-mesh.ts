import type { Sql } from "@mesh/db";
import type { ClientProfile } from "@mesh/shared";
import { CliError } from "../cli-error.ts";

/** SQLSTATE unique_violation: the slug is taken (a concurrent create-mesh won). */
const UNIQUE_VIOLATION = "23505";

/** A connection or a transaction of one (`sql.begin`'s callback argument). */
export type SqlOrTransaction = Sql | Parameters<Parameters<Sql["begin"]>[1]>[0];

/** The columns of a new mesh; the id comes from the database. */
export interface NewMesh {
  name: string;
  slug: string;
  ownerPubkey: string;
  rootKey: string;
  profile: ClientProfile;
}

/**
 * Inserts a mesh with its `mesh_created` audit row (actor `bootstrap`, as
 * the admin API writes one with its own actor) and returns its id; a taken
 * slug throws `mesh_exists`. Run it in a transaction.
 */
export async function insertMesh(sql: SqlOrTransaction, mesh: NewMesh): Promise<string> {
  let rows: { id: unknown }[];
  try {
    rows = await sql`
      insert into mesh.mesh (name, slug, owner_pubkey, root_key, client_profile)
      values (${mesh.name}, ${mesh.slug}, ${mesh.ownerPubkey}, ${mesh.rootKey}, ${mesh.profile})
      returning id`;
  } catch (e: unknown) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) throw meshExists(mesh.slug);
    throw e;
  }
  const id = rows[0]?.id;
  if (typeof id !== "string" || id === "") throw new CliError("db_corrupt", "the mesh insert returned no id");
  const detail = { slug: mesh.slug, profile: mesh.profile, owner_pubkey: mesh.ownerPubkey };
  await sql`
    insert into mesh.audit_log (event, mesh_id, actor, target, detail)
    values ('mesh_created', ${id}, 'bootstrap', ${id}, ${sql.json(detail)})`;
  return id;
}

/** The error for a slug that is already taken. */
export function meshExists(slug: string, hint = ""): CliError {
  return new CliError("mesh_exists", `a mesh with slug "${slug}" already exists${hint}`);
}
