import type { Sql } from "@mesh/db";
import type { MeshHome } from "@mesh/sdk";
import { CliError } from "../cli-error.ts";
import { findMeshBySlug } from "./find-mesh-by-slug.ts";
import { insertInvite } from "./insert-invite.ts";
import { signInvite } from "./signed-invite.ts";

/** What an operator asks an invite for; already validated by the command. */
export interface InviteRequest {
  slug: string;
  brokerUrl: string;
  role: "admin" | "member";
  maxUses: number;
  expiresInMs: number;
}

/** A written invite, as `mesh admin invite` reports it. */
export interface CreatedInvite {
  link: string;
  meshId: string;
  role: "admin" | "member";
  uses: number;
  expiresAt: string;
}

/**
 * Signs an invite with the owner key kept in `home` and writes its row.
 * Refuses when this home holds no owner key for the mesh (`not_owner`), when
 * the database has no such mesh (`mesh_not_found`, `mesh_archived`), or when
 * the mesh there is owned by another key (`owner_mismatch`): a broker would
 * refuse every join of such an invite.
 */
export async function createInvite(
  deps: { sql: Sql; home: MeshHome },
  request: InviteRequest,
  now: Date = new Date(),
): Promise<CreatedInvite> {
  const { sql, home } = deps;
  const owner = home.owner(request.slug);
  if (!owner) {
    throw new CliError(
      "not_owner",
      `no owner key for mesh "${request.slug}" in ${home.dir}: invites are signed by the mesh owner; run this where \`mesh admin create-mesh\` ran (same MESH_HOME)`,
    );
  }
  const mesh = await findMeshBySlug(sql, request.slug);
  if (!mesh) throw new CliError("mesh_not_found", `this database has no mesh "${request.slug}"`);
  if (mesh.archived) throw new CliError("mesh_archived", `mesh "${request.slug}" is archived`);
  if (mesh.id !== owner.meshId || mesh.ownerPubkey.toLowerCase() !== owner.publicKey) {
    throw new CliError(
      "owner_mismatch",
      `mesh "${request.slug}" in this database is not the one whose owner key is in ${home.dir}`,
    );
  }

  // Whole seconds, as the link says: the stored expiry is the signed one to the second.
  const expiresAt = new Date(Math.floor((now.getTime() + request.expiresInMs) / 1000) * 1000);
  const invite = signInvite(
    { publicKey: owner.publicKey, secretKey: owner.secretKey },
    {
      meshId: mesh.id,
      slug: mesh.slug,
      brokerUrl: request.brokerUrl,
      rootKey: mesh.rootKey,
      role: request.role,
      expiresAt,
    },
  );
  await insertInvite(sql, {
    token: invite.token,
    meshId: mesh.id,
    role: request.role,
    maxUses: request.maxUses,
    expiresAt,
    signedPayload: invite.signedPayload,
  });
  return {
    link: invite.link,
    meshId: mesh.id,
    role: request.role,
    uses: request.maxUses,
    expiresAt: expiresAt.toISOString(),
  };
}
