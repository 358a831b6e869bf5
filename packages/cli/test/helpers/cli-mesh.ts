import { afterAll, beforeAll, expect } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Sql } from "@mesh/db";
import { makeTempDir } from "@mesh/db/testing";
import { generateEd25519KeyPair } from "@mesh/shared";
import type { BrokerSuite } from "../../../../apps/broker/test/helpers/broker-suite.ts";
import type { TestMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { type CliProcess, type CliRun, runMesh, startMesh, stopLeftoverCliProcesses } from "./mesh-cli.ts";

/**
 * A mesh made the way an operator and its agents make one, with the real
 * `mesh` CLI: `admin bootstrap` (straight into the database) and `admin
 * invite` (signed with the owner key, registered over the admin API) from the operator's
 * home, then `join --name <agent>` from each agent's own home. Returns the
 * invite link, each agent's public key and join run, and the mesh as a fixture (its owner
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
  /** `--profile` of the bootstrap (the CLI's default: strict). */
  profile?: string;
  /** What runs the agents' `join` (default this repo's CLI on Bun), e.g. Node running the bundle. */
  joinCommand?: string[];
}): Promise<{ link: string; pubkeys: Record<string, string>; joins: Record<string, CliRun>; mesh: TestMesh }> {
  const cli = (who: string, args: string[], command?: string[]) =>
    runMesh(args, { env: { ...options.env, MESH_HOME: String(options.homes[who]) }, command });
  const profile = options.profile === undefined ? [] : ["--profile", options.profile];
  const bootstrap = ["admin", "bootstrap", "--name", options.name, "--slug", options.slug, ...profile];
  expect((await cli("operator", bootstrap)).code).toBe(0);
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
  expect(invite.code).toBe(0);
  const link = String((invite.json()[0]?.invite as { link?: string } | undefined)?.link);
  const pubkeys: Record<string, string> = {};
  const joins: Record<string, CliRun> = {};
  for (const who of options.agents) {
    const joined = await cli(who, ["join", link, "--name", who, "--json"], options.joinCommand);
    expect(joined.code).toBe(0);
    joins[who] = joined;
    pubkeys[who] = String(joined.json()[0]?.pubkey);
  }
  const [row] = await options.sql<{ id: string; rootKey: string }[]>`
    select id, root_key as "rootKey" from mesh.mesh where slug = ${options.slug}`;
  if (!row) throw new Error(`no mesh ${options.slug}`);
  return {
    link,
    pubkeys,
    joins,
    mesh: { id: row.id, slug: options.slug, rootKey: row.rootKey, owner: generateEd25519KeyPair() },
  };
}

/** How many of the members with these public keys have a live session now. */
export async function liveMembers(sql: Sql, pubkeys: readonly string[]): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(distinct p.member_id)::int as n from mesh.presence p join mesh.member m on m.id = p.member_id
    where m.pubkey in ${sql(pubkeys)} and p.disconnected_at is null`;
  return row?.n ?? 0;
}

/** A test file's CLI mesh ({@link useCliMesh}): its parties' homes, and `mesh` run as each of them. */
export interface CliMesh<Party extends string> {
  /** Each party's MESH_HOME, the operator's included. */
  homes: Record<Party | "operator", string>;
  /** Each agent's public key once joined; a test adds the ones it joins. */
  pubkeys: Record<string, string>;
  /** The invite link (ready inside a test). */
  readonly link: string;
  /** The mesh as a fixture (ready inside a test). */
  readonly mesh: TestMesh;
  /** What `who`'s `mesh` runs with: its MESH_HOME and the suite's database. */
  env(who: Party | "operator"): Record<string, string>;
  /** `mesh <args>` as `who`, to completion. */
  run(who: Party | "operator", args: string[]): Promise<CliRun>;
  /** `mesh listen <args>` as `who` in a fresh working folder, stopped after the file. */
  listen(who: Party, args?: string[]): CliProcess;
}

/**
 * The mesh of a CLI test file against its suite's broker: before the tests,
 * {@link joinCliMesh} from a home per party under a temporary folder; after
 * them, its listeners stopped and the folder removed, and no `mesh` process
 * left running.
 */
export function useCliMesh<Agent extends string, Other extends string = never>(
  suite: BrokerSuite,
  options: {
    /** Prefix of the temporary folder. */
    dir: string;
    slug: string;
    name: string;
    /** Parties that join before the tests, in order. */
    agents: readonly Agent[];
    /** Parties with a home but not joined. */
    others?: readonly Other[];
    uses?: number;
    profile?: string;
  },
): CliMesh<Agent | Other> {
  type Party = Agent | Other;
  const dir = makeTempDir(options.dir);
  const parties: (Party | "operator")[] = ["operator", ...options.agents, ...(options.others ?? [])];
  const homes = Object.fromEntries(parties.map((who) => [who, join(dir.path, `home-${who}`)])) as Record<
    Party | "operator",
    string
  >;
  const pubkeys: Record<string, string> = {};
  const listeners: CliProcess[] = [];
  let made: { link: string; mesh: TestMesh } | undefined;
  const ready = () => {
    if (made === undefined) throw new Error("the CLI mesh is not ready: use it inside a test");
    return made;
  };
  const env = (who: Party | "operator") => ({ MESH_HOME: homes[who], DATABASE_URL: suite.database.url });

  beforeAll(async () => {
    const joined = await joinCliMesh({
      sql: suite.sql,
      homes,
      env: { DATABASE_URL: suite.database.url },
      brokerPort: suite.broker.port,
      slug: options.slug,
      name: options.name,
      agents: options.agents,
      uses: options.uses,
      profile: options.profile,
    });
    Object.assign(pubkeys, joined.pubkeys);
    made = joined;
  });

  afterAll(async () => {
    await Promise.all(listeners.map((l) => l.stop()));
    const left = await stopLeftoverCliProcesses();
    dir.remove();
    expect(left).toBe(0);
  });

  return {
    homes,
    pubkeys,
    get link() {
      return ready().link;
    },
    get mesh() {
      return ready().mesh;
    },
    env,
    run: (who, args) => runMesh(args, { env: env(who) }),
    listen(who, args = []) {
      const cwd = join(dir.path, `work-${who}-${listeners.length}`);
      mkdirSync(cwd, { recursive: true });
      const listener = startMesh(["listen", ...args, "--cwd", cwd], { env: env(who) });
      listeners.push(listener);
      return listener;
    },
  };
}
