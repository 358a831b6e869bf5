import { beforeAll, describe, expect, test } from "bun:test";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { liveMembers, useCliMesh } from "./helpers/cli-mesh.ts";
import type { CliProcess } from "./helpers/mesh-cli.ts";

/*
 * The `mesh` CLI on a mesh with the claudemesh profile, as real processes
 * (docs/compatibility.md#client-profiles): the operator makes it with
 * `--profile claudemesh`; `send --to '*'` warns that the broadcast is not
 * encrypted, `listen` warns once at connect and marks such messages.
 */

const suite = useBrokerSuite({});
const cliMesh = useCliMesh(suite, {
  dir: "mesh-cli-profiles",
  slug: `cm-${Date.now().toString(36)}`,
  name: "Compat",
  agents: ["alice", "bob", "carol"],
  uses: 3,
  profile: "claudemesh",
});
const { pubkeys } = cliMesh;
const mesh = cliMesh.run;
let bobJson: CliProcess;
let carolHuman: CliProcess;

const occurrences = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  bobJson = cliMesh.listen("bob", ["--json"]);
  carolHuman = cliMesh.listen("carol");
  const live = async () => (await liveMembers(suite.sql, [pubkeys.bob ?? "", pubkeys.carol ?? ""])) === 2;
  expect(await eventually(live, 20_000)).toBe(true);
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
