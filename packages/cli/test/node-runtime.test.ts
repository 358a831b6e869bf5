import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@mesh/db/testing";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { buildNodeBundle } from "../scripts/node-bundle.ts";
import { joinCliMesh, liveMembers } from "./helpers/cli-mesh.ts";
import { runMesh, startMesh, stopLeftoverCliProcesses } from "./helpers/mesh-cli.ts";

/*
 * The SDK and CLI must run on Node.js ≥ 20, which has no global WebSocket and
 * cannot load TypeScript: the package's build bundles them for Node (the
 * `ws` package standing in for WebSocket), and this test drives that bundle
 * (with the SDK's sources inside it, as the workspace has no built SDK) with
 * the machine's `node` against a real broker.
 */

const suite = useBrokerSuite({});
const packageDir = join(import.meta.dir, "..");
const outDir = join(packageDir, `.node-build-${process.pid}`);
const homes = makeTempDir("mesh-node-homes");
const node = [Bun.which("node") ?? "node", join(outDir, "mesh.js")];

beforeAll(async () => {
  await buildNodeBundle({ packageDir, outDir, bundleSdk: true });
});

afterAll(async () => {
  const left = await stopLeftoverCliProcesses();
  rmSync(outDir, { recursive: true, force: true });
  homes.remove();
  expect(left).toBe(0);
});

test("under Node: join, listen and send through the bundled CLI (the operator's admin runs from the repo)", async () => {
  const version = Bun.spawnSync([node[0] ?? "node", "--version"])
    .stdout.toString()
    .trim();
  expect(Number(version.replace(/^v/, "").split(".")[0])).toBeGreaterThanOrEqual(20);
  const env = (who: string) => ({ MESH_HOME: join(homes.path, who), DATABASE_URL: suite.database.url });
  const slug = `node-${Date.now().toString(36)}`;

  const { pubkeys, joins } = await joinCliMesh({
    sql: suite.sql,
    homes: { operator: join(homes.path, "op"), n1: join(homes.path, "n1"), n2: join(homes.path, "n2") },
    env: { DATABASE_URL: suite.database.url },
    brokerPort: suite.broker.port,
    slug,
    name: "node mesh",
    agents: ["n1", "n2"],
    joinCommand: node,
  });
  for (const joined of Object.values(joins)) expect(joined.stderr).toBe("");

  const listener = startMesh(["listen", "--json", "--count", "1"], { env: env("n2"), command: node });
  // Its session is live before the send, so the message is pushed to it rather than replayed on hello.
  const listening = async () => (await liveMembers(suite.sql, [pubkeys.n2 ?? ""])) === 1;
  expect(await eventually(listening, 15_000)).toBe(true);
  const sent = await runMesh(["send", "--to", pubkeys.n2 ?? "", "--priority", "now", "hello from node"], {
    env: env("n1"),
    command: node,
  });
  expect(sent.code).toBe(0);
  const line = JSON.parse(await listener.waitForLine(() => true)) as Record<string, unknown>;
  expect(line).toMatchObject({ text: "hello from node", sender: pubkeys.n1, priority: "now" });
  expect(await listener.process.exited).toBe(0);
});
