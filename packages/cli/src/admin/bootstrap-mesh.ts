import { randomBytes } from "node:crypto";
import type { Sql } from "@mesh/db";
import type { MeshHome } from "@mesh/sdk";
import { type ClientProfile, generateEd25519KeyPair } from "@mesh/shared";
import { CliError } from "../cli-error.ts";
import { findMeshBySlug } from "./find-mesh-by-slug.ts";
import { insertMesh, meshExists } from "./insert-mesh.ts";
import { parseMeshName } from "./mesh-name.ts";
import { parseMeshSlug } from "./mesh-slug.ts";

/** What `mesh admin bootstrap` made. */
export interface BootstrappedMesh {
  meshId: string;
  slug: string;
  name: string;
  ownerPubkey: string;
  profile: ClientProfile;
}

/**
 * The bootstrap path (`mesh admin bootstrap`): creates a mesh straight in the
 * broker's database, for an operator who has no admin API token yet (a fresh
 * embedded broker). Everything else goes over the API. A fresh owner ed25519 keypair and a 32-byte root key, the
 * mesh row with its client profile (docs/compatibility.md#client-profiles),
 * and the owner record (0600) in `home`. The row and the record
 * commit together: the record is written inside the transaction, so a failed
 * write leaves no ownerless mesh behind. Refuses a taken slug
 * (`mesh_exists`) and never overwrites another mesh's owner record
 * (`owner_exists`).
 */
export async function bootstrapMesh(
  deps: { sql: Sql; home: MeshHome },
  input: { name: string; slug: string; profile?: ClientProfile; brokerUrl?: string },
  now: Date = new Date(),
): Promise<BootstrappedMesh> {
  const slug = parseMeshSlug(input.slug);
  const name = parseMeshName(input.name);
  const profile = input.profile ?? "strict";
  const { sql, home } = deps;

  const existing = await findMeshBySlug(sql, slug);
  if (existing) {
    const ours = home.owner(slug);
    const mine = ours?.meshId === existing.id && ours.publicKey === existing.ownerPubkey;
    throw meshExists(slug, mine ? `; its owner key is already in ${home.dir}` : "");
  }
  if (home.owner(slug)) {
    throw new CliError(
      "owner_exists",
      `${home.dir} already holds an owner key for slug "${slug}" of a mesh this database does not have; move it away first`,
    );
  }

  const owner = generateEd25519KeyPair();
  const rootKey = randomBytes(32).toString("base64url");
  const meshId = await sql.begin(async (tx) => {
    const id = await insertMesh(tx, { name, slug, ownerPubkey: owner.publicKey, rootKey, profile });
    home.saveOwner({
      meshId: id,
      slug,
      ...owner,
      rootKey,
      createdAt: now.toISOString(),
      ...(input.brokerUrl === undefined ? {} : { brokerUrl: input.brokerUrl }),
    });
    return id;
  });
  return { meshId, slug, name, ownerPubkey: owner.publicKey, profile };
}
