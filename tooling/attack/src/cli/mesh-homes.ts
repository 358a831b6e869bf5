import { join } from "node:path";
import type { Sql } from "@mesh/db";
import { makeTempDir } from "@mesh/db/testing";
import { type Membership, MeshHome } from "@mesh/sdk";
import { type Ed25519KeyPair, inviteLinkToken } from "@mesh/shared";
import { createInvite, type TestInvite, type TestMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Resources } from "../target/resources.ts";
import { type CliRun, runMesh } from "./mesh-cli.ts";

/** An agent's MESH_HOME after `mesh join`: its identity and membership as the CLI saved them. */
export interface JoinedHome {
  dir: string;
  identity: Ed25519KeyPair;
  membership: Membership;
}

/** A folder for the MESH_HOMEs of one attack, removed when the attack ends. */
export function homesFolder(resources: Resources): (name: string) => string {
  const dir = resources.hold(makeTempDir("mesh-attack-homes"), (d) => d.remove());
  return (name) => join(dir.path, name);
}

/** Runs the real `mesh join <link> --name <name>` in `dir`; the home when it joined, else the run. */
export async function joinWithCli(
  dir: string,
  link: string,
  name: string,
): Promise<{ joined: JoinedHome; run: CliRun } | { joined: undefined; run: CliRun }> {
  const run = await runMesh(dir, ["join", link, "--name", name]);
  if (run.code !== 0) return { joined: undefined, run };
  const home = new MeshHome(dir);
  const identity = home.identity();
  if (!identity) throw new Error(`mesh join exited 0 but left no identity in ${dir}`);
  return { joined: { dir, identity, membership: home.membership() }, run };
}

/**
 * An invite whose row is keyed by its link's base64url part, as `mesh admin
 * invite` writes them, so the real `mesh join <link>` finds it.
 */
export async function cliInvite(sql: Sql, mesh: TestMesh, brokerUrl: string, maxUses: number): Promise<TestInvite> {
  const invite = await createInvite(sql, mesh, { maxUses, brokerUrl });
  const token = inviteLinkToken(invite.link);
  await sql`update mesh.invite set token = ${token} where token = ${invite.token}`;
  return { ...invite, token };
}
