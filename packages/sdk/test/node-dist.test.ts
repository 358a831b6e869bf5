import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember, createMesh } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { ReceivedMessage } from "../src/index.ts";
import { useSdkClients } from "./helpers/sdk-clients.ts";

/*
 * The SDK as its package ships it (one JavaScript file for Node, its
 * dependencies installed, not bundled) run by the machine's `node`: on
 * Node 20 there is no global WebSocket, so this is the `ws` path. A member
 * on Node sends to a member on Bun through a real broker.
 */

const suite = useBrokerSuite({});
const clientFor = useSdkClients(suite);
const packageDir = join(import.meta.dir, "..");
const outDir = join(packageDir, `.node-build-${process.pid}`);

beforeAll(async () => {
  // Exactly what the package's build leaves out of the bundle: its dependencies.
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const built = await Bun.build({
    entrypoints: [join(packageDir, "src", "index.ts")],
    target: "node",
    outdir: outDir,
    external: Object.keys(manifest.dependencies),
  });
  if (!built.success) throw new Error(built.logs.map(String).join("\n"));
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs a command to its end (the SDK's tests do without @mesh/db's helpers: the SDK has no database side). */
async function runToExit(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(argv, { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** Connects as the member in argv[2] (JSON), sends argv[3]'s text to its pubkey, prints the result. */
const SENDER = `import { MeshClient } from "./index.js";
const { brokerUrl, meshId, memberId, keys, rootKey, to, text } = JSON.parse(process.argv[2]);
const client = new MeshClient({ brokerUrl, meshId, memberId, identity: keys, meshRootKey: rootKey });
await client.connect();
const result = await client.send(to, text);
await client.close();
console.log(JSON.stringify({ native: typeof globalThis.WebSocket === "function", messageId: result.messageId }));
`;

test("node runs the built SDK: connects (ws on Node 20), sends, and a Bun client receives it", async () => {
  const mesh = await createMesh(suite.sql);
  const [onNode, onBun] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  const receiver = clientFor(mesh, onBun);
  const received: ReceivedMessage[] = [];
  receiver.onMessage((message) => {
    received.push(message);
  });
  await receiver.connect();

  writeFileSync(join(outDir, "send.mjs"), SENDER);
  const node = Bun.which("node");
  expect(node).not.toBeNull();
  const config = {
    brokerUrl: `ws://127.0.0.1:${suite.broker.port}/ws`,
    meshId: mesh.id,
    memberId: onNode.id,
    keys: onNode.keys,
    rootKey: mesh.rootKey,
    to: onBun.keys.publicKey,
    text: "hello from node",
  };
  const run = await runToExit([node ?? "node", join(outDir, "send.mjs"), JSON.stringify(config)], {
    PATH: process.env.PATH ?? "",
  });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const sent = JSON.parse(run.stdout) as { native: boolean; messageId: string };
  const major = Number((await runToExit([node ?? "node", "--version"], {})).stdout.replace(/^v/, "").split(".")[0]);
  if (major < 22) expect(sent.native).toBe(false);

  expect(await eventually(async () => received.length === 1, 15_000)).toBe(true);
  expect(received[0]).toMatchObject({ text: "hello from node", senderMemberPubkey: onNode.keys.publicKey });
  expect(received[0]?.messageId).toBe(sent.messageId);
});
