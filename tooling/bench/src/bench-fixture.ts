import { randomBytes } from "node:crypto";
import type { Sql } from "@mesh/db";
import { type Ed25519KeyPair, generateEd25519KeyPair } from "@mesh/shared";

/** A member the load generator connects as. */
export interface BenchPeer {
  /** Position in its workload (goes into the nonce). */
  index: number;
  meshId: string;
  memberId: string;
  keys: Ed25519KeyPair;
}

/**
 * A fresh mesh with `size` members, written straight into the database (as
 * an operator's admin command would), members inserted in one statement.
 */
export async function createBenchMesh(sql: Sql, size: number, label: string, firstIndex = 0): Promise<BenchPeer[]> {
  const owner = generateEd25519KeyPair();
  const slug = `bench-${label.toLowerCase()}-${randomBytes(4).toString("hex")}`;
  const [mesh] = await sql<{ id: string }[]>`
    insert into mesh.mesh (name, slug, owner_pubkey, root_key)
    values (${`bench ${label}`}, ${slug}, ${owner.publicKey}, ${randomBytes(32).toString("base64url")})
    returning id`;
  if (!mesh) throw new Error("mesh insert returned nothing");
  const keys = Array.from({ length: size }, () => generateEd25519KeyPair());
  const rows = await sql<{ id: string; pubkey: string }[]>`
    insert into mesh.member (mesh_id, pubkey, display_name, role)
    select ${mesh.id}, k, 'bench-' || ord, 'member'
    from unnest(${keys.map((k) => k.publicKey)}::text[]) with ordinality as u(k, ord)
    returning id, pubkey`;
  const idByKey = new Map(rows.map((r) => [r.pubkey, r.id]));
  return keys.map((k, i) => {
    const memberId = idByKey.get(k.publicKey);
    if (!memberId) throw new Error("member insert lost a row");
    return { index: firstIndex + i, meshId: mesh.id, memberId, keys: k };
  });
}
