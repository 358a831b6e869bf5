import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@mesh/db/testing";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { buildNodeBundle } from "../scripts/node-bundle.ts";
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

  expect((await runMesh(["admin", "bootstrap", "--name", "node mesh", "--slug", slug], { env: env("op") })).code).toBe(
    0,
  );
  const invite = await runMesh(
    [
      "admin",
      "invite",
      "--mesh",
      slug,
      "--broker-url",
      `ws://127.0.0.1:${suite.broker.port}/ws`,
      "--uses",
      "2",
      "--json",
    ],
    { env: env("op") },
  );
  expect(invite.code).toBe(0);
  const link = String((invite.json()[0]?.invite as { link?: string } | undefined)?.link);

  const pubkeys: Record<string, string> = {};
  for (const who of ["n1", "n2"]) {
    const joined = await runMesh(["join", link, "--name", who, "--json"], { env: env(who), command: node });
    expect(joined.stderr).toBe("");
    expect(joined.code).toBe(0);
    pubkeys[who] = String(joined.json()[0]?.pubkey);
  }

  const listener = startMesh(["listen", "--json", "--count", "1"], { env: env("n2"), command: node });
  // Its session is live before the send, so the message is pushed to it rather than replayed on hello.
  const listening = async () => {
    const [row] = await suite.sql<{ n: number }[]>`
      select count(*)::int as n from mesh.presence p join mesh.member m on m.id = p.member_id
      where m.pubkey = ${pubkeys.n2 ?? ""} and p.disconnected_at is null`;
    return row?.n === 1;
  };
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
