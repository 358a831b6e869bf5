import { expect } from "bun:test";
import type { Sql } from "@mesh/db";
import { generateEd25519KeyPair } from "@mesh/shared";
import type { TestMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { runMesh } from "./mesh-cli.ts";

/**
 * A mesh made the way an operator and its agents make one, with the real
 * `mesh` CLI: `admin bootstrap` (straight into the database) and `admin
 * invite` (signed with the owner key, registered over the admin API) from the operator's
 * home, then `join --name <agent>` from each agent's own home. Returns the
 * invite link, each agent's public key, and the mesh as a fixture (its owner
 * key is a stand-in: the real one stays in the operator's home).
 */
export async function joinCliMesh(options: {
  sql: Sql;
  /** Each party's MESH_HOME, the operator's included (key `operator`). */
  homes: Record<string, string>;
  /** Environment besides MESH_HOME (the database the admin commands use). */
  env: Record<string, string>;
  brokerPort: number;
  slug: string;
  name: string;
  /** Agents to join, in order; each home is `homes[agent]`. */
  agents: readonly string[];
  uses?: number;
}): Promise<{ link: string; pubkeys: Record<string, string>; mesh: TestMesh }> {
  const cli = (who: string, args: string[]) =>
    runMesh(args, { env: { ...options.env, MESH_HOME: String(options.homes[who]) } });
  expect((await cli("operator", ["admin", "bootstrap", "--name", options.name, "--slug", options.slug])).code).toBe(0);
  const brokerUrl = `ws://127.0.0.1:${options.brokerPort}/ws`;
  const uses = String(options.uses ?? options.agents.length);
  const invite = await cli("operator", [
    "admin",
    "invite",
    "--mesh",
    options.slug,
    "--broker-url",
    brokerUrl,
    "--uses",
    uses,
    "--json",
  ]);
  const link = String((invite.json()[0]?.invite as { link?: string } | undefined)?.link);
  const pubkeys: Record<string, string> = {};
  for (const who of options.agents) {
    const joined = await cli(who, ["join", link, "--name", who, "--json"]);
    expect(joined.code).toBe(0);
    pubkeys[who] = String(joined.json()[0]?.pubkey);
  }
  const [row] = await options.sql<{ id: string; rootKey: string }[]>`
    select id, root_key as "rootKey" from mesh.mesh where slug = ${options.slug}`;
  if (!row) throw new Error(`no mesh ${options.slug}`);
  return {
    link,
    pubkeys,
    mesh: { id: row.id, slug: options.slug, rootKey: row.rootKey, owner: generateEd25519KeyPair() },
  };
}
