import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@mesh/db/testing";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { type CliProcess, runMesh, startMesh, stopLeftoverCliProcesses } from "./helpers/mesh-cli.ts";

/*
 * The `mesh` CLI on a mesh with the claudemesh profile, as real processes
 * (docs/compatibility.md#client-profiles): the operator makes it with
 * `--profile claudemesh`; `send --to '*'` warns that the broadcast is not
 * encrypted, `listen` warns once at connect and marks such messages.
 */

const suite = useBrokerSuite({});
const dir = makeTempDir("mesh-cli-profiles");
const slug = `cm-${Date.now().toString(36)}`;
const homes = { operator: "", alice: "", bob: "", carol: "" };
const pubkeys: Record<string, string> = {};
let bobJson: CliProcess;
let carolHuman: CliProcess;

const envOf = (home: string): Record<string, string> => ({ MESH_HOME: home, DATABASE_URL: suite.database.url });
const mesh = (who: keyof typeof homes, args: string[]) => runMesh(args, { env: envOf(homes[who]) });
const occurrences = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  for (const who of Object.keys(homes) as (keyof typeof homes)[]) homes[who] = join(dir.path, `home-${who}`);
  const created = await mesh("operator", [
    "admin",
    "bootstrap",
    "--name",
    "Compat",
    "--slug",
    slug,
    "--profile",
    "claudemesh",
  ]);
  expect(created.code).toBe(0);
  const invite = await mesh("operator", [
    "admin",
    "invite",
    "--mesh",
    slug,
    "--broker-url",
    `ws://127.0.0.1:${suite.broker.port}/ws`,
    "--uses",
    "3",
    "--json",
  ]);
  const link = String((invite.json()[0]?.invite as { link?: string } | undefined)?.link);
  for (const who of ["alice", "bob", "carol"] as const) {
    const joined = await mesh(who, ["join", link, "--name", who, "--json"]);
    expect(joined.code).toBe(0);
    pubkeys[who] = String(joined.json()[0]?.pubkey);
  }
  const workdir = (who: string) => {
    const path = join(dir.path, `work-${who}`);
    mkdirSync(path, { recursive: true });
    return path;
  };
  bobJson = startMesh(["listen", "--json", "--cwd", workdir("bob")], { env: envOf(homes.bob) });
  carolHuman = startMesh(["listen", "--cwd", workdir("carol")], { env: envOf(homes.carol) });
  const live = async () => {
    const [row] = await suite.sql<{ n: number }[]>`
      select count(distinct p.member_id)::int as n from mesh.presence p join mesh.member m on m.id = p.member_id
      where m.pubkey in ${suite.sql([pubkeys.bob ?? "", pubkeys.carol ?? ""])} and p.disconnected_at is null`;
    return row?.n === 2;
  };
  expect(await eventually(live, 20_000)).toBe(true);
});

afterAll(async () => {
  await Promise.all([bobJson?.stop(), carolHuman?.stop()]);
  const left = await stopLeftoverCliProcesses();
  dir.remove();
  expect(left).toBe(0);
});

describe("the mesh CLI on a claudemesh mesh", () => {
  test("send --to '*' warns once on stderr; listen --json says encrypted: false, the human listen says [unencrypted]", async () => {
    const text = "broadcast in the clear from alice";
    const sent = await mesh("alice", ["send", "--to", "*", "--priority", "now", "--json", text]);
    expect(sent.code).toBe(0);
    expect(sent.json()[0]).toMatchObject({ ok: true, recipients: 2 });
    expect(occurrences(sent.stderr, "WARNING:")).toBe(1);
    expect(sent.stderr).toContain("NOT encrypted");

    const line = await bobJson.waitForLine((l) => (JSON.parse(l) as { text?: string }).text === text, 20_000);
    expect(JSON.parse(line)).toMatchObject({ sender: pubkeys.alice, text, encrypted: false });
    const human = await carolHuman.waitForLine((l) => l.endsWith(text), 20_000);
    expect(human).toContain(`[now] [unencrypted] ${text}`);
  });

  test("a direct message warns nothing and arrives encrypted, untagged", async () => {
    const secret = "direct and sealed for bob";
    const sent = await mesh("alice", ["send", "--to", "bob", "--priority", "now", secret]);
    expect(sent.code).toBe(0);
    expect(sent.stderr).not.toContain("WARNING");
    const line = await bobJson.waitForLine((l) => (JSON.parse(l) as { text?: string }).text === secret, 20_000);
    expect(JSON.parse(line)).toMatchObject({ sender: pubkeys.alice, text: secret, encrypted: true });

    const toCarol = "direct and sealed for carol";
    expect((await mesh("alice", ["send", "--to", "carol", "--priority", "now", toCarol])).code).toBe(0);
    const human = await carolHuman.waitForLine((l) => l.endsWith(toCarol), 20_000);
    expect(human).not.toContain("[unencrypted]");
  });

  test("each listen printed the broker's notice once, at connect", () => {
    for (const listener of [bobJson, carolHuman]) {
      expect(occurrences(listener.stderr(), "WARNING:")).toBe(1);
      expect(listener.stderr()).toContain("NOT encrypted");
    }
  });
});
