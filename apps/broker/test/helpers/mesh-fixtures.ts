import { randomBytes, randomUUID } from "node:crypto";
import type { Sql } from "@mesh/db";
import {
  type ClientProfile,
  type Ed25519KeyPair,
  encodeInviteLink,
  generateEd25519KeyPair,
  type InvitePayload,
  inviteSigningString,
  signEd25519,
} from "@mesh/shared";

/** A mesh written straight into the database, with its owner keypair. */
export interface TestMesh {
  id: string;
  slug: string;
  rootKey: string;
  owner: Ed25519KeyPair;
}

/** A member of a test mesh with its identity keypair. */
export interface TestMember {
  id: string;
  meshId: string;
  displayName: string;
  keys: Ed25519KeyPair;
}

/** Inserts a mesh with a fresh owner keypair; each test owns its own mesh. */
export async function createMesh(
  sql: Sql,
  name = "test mesh",
  options: { profile?: ClientProfile } = {},
): Promise<TestMesh> {
  const owner = generateEd25519KeyPair();
  const slug = `t-${randomBytes(5).toString("hex")}`;
  const rootKey = randomBytes(32).toString("base64url");
  const [row] = await sql<{ id: string }[]>`
    insert into mesh.mesh (name, slug, owner_pubkey, root_key, client_profile)
    values (${name}, ${slug}, ${owner.publicKey}, ${rootKey}, ${options.profile ?? "strict"}) returning id`;
  if (!row) throw new Error("mesh insert returned nothing");
  return { id: row.id, slug, rootKey, owner };
}

/** Inserts a member with a fresh identity keypair. */
export async function addMember(
  sql: Sql,
  mesh: { id: string },
  options: { displayName?: string; role?: "admin" | "member"; revoked?: boolean } = {},
): Promise<TestMember> {
  const keys = generateEd25519KeyPair();
  const displayName = options.displayName ?? `agent-${keys.publicKey.slice(0, 6)}`;
  const [row] = await sql<{ id: string }[]>`
    insert into mesh.member (mesh_id, pubkey, display_name, role, revoked_at)
    values (${mesh.id}, ${keys.publicKey}, ${displayName}, ${options.role ?? "member"},
            ${options.revoked ? sql`now()` : null})
    returning id`;
  if (!row) throw new Error("member insert returned nothing");
  return { id: row.id, meshId: mesh.id, displayName, keys };
}

/** A signed invite: the row in the database and the payload the link carries. */
export interface TestInvite {
  token: string;
  payload: InvitePayload;
  link: string;
}

/** Writes an invite row and signs its payload with the mesh owner's key (or `signer`). */
export async function createInvite(
  sql: Sql,
  mesh: TestMesh,
  options: {
    role?: "admin" | "member";
    maxUses?: number;
    expiresAt?: Date;
    revoked?: boolean;
    brokerUrl?: string;
    signer?: Ed25519KeyPair;
    /** How the payload writes its expiry: unix seconds (today's links, claudemesh's form) or ISO 8601 (older links). */
    expiryForm?: "seconds" | "iso";
  } = {},
): Promise<TestInvite> {
  const token = randomUUID();
  const expiresAt = new Date(
    Math.floor((options.expiresAt ?? new Date(Date.now() + 3600_000)).getTime() / 1000) * 1000,
  );
  const signer = options.signer ?? mesh.owner;
  const unsigned = {
    v: 1 as const,
    mesh_id: mesh.id,
    mesh_slug: mesh.slug,
    broker_url: options.brokerUrl ?? "ws://127.0.0.1:7900/ws",
    expires_at: options.expiryForm === "iso" ? expiresAt.toISOString() : expiresAt.getTime() / 1000,
    mesh_root_key: mesh.rootKey,
    role: options.role ?? "member",
    owner_pubkey: signer.publicKey,
  };
  const signed = inviteSigningString(unsigned);
  const payload: InvitePayload = { ...unsigned, signature: signEd25519(signer, signed) };
  await sql`
    insert into mesh.invite (token, mesh_id, role, max_uses, expires_at, revoked_at, signed_payload)
    values (${token}, ${mesh.id}, ${unsigned.role}, ${options.maxUses ?? 1}, ${expiresAt.toISOString()},
            ${options.revoked ? sql`now()` : null}, ${signed})`;
  return { token, payload, link: encodeInviteLink(payload) };
}
