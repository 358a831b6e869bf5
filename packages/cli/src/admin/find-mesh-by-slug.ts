import type { Sql } from "@mesh/db";
import { clientProfile } from "@mesh/shared";
import { z } from "zod";
import { CliError } from "../cli-error.ts";

const meshRowSchema = z.object({
  id: z.string().min(1),
  slug: z.string(),
  ownerPubkey: z.string(),
  rootKey: z.string(),
  archived: z.boolean(),
  profile: clientProfile,
});

/** The mesh row the admin commands check an owner record against. */
export type MeshRow = z.infer<typeof meshRowSchema>;

/** The mesh with `slug`, archived or not; undefined when there is none. */
export async function findMeshBySlug(sql: Sql, slug: string): Promise<MeshRow | undefined> {
  const [row] = await sql`
    select id, slug, owner_pubkey as "ownerPubkey", root_key as "rootKey", archived_at is not null as archived,
           client_profile as profile
    from mesh.mesh where slug = ${slug}`;
  if (row === undefined) return undefined;
  const parsed = meshRowSchema.safeParse(row);
  if (!parsed.success)
    throw new CliError("db_corrupt", `mesh "${slug}" has an unexpected row: ${parsed.error.message}`);
  return parsed.data;
}
