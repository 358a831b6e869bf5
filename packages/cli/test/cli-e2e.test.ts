import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createDbClient, type DbClient } from "@mesh/db";
import { createTestDatabase, makeTempDir, type TestDatabase } from "@mesh/db/testing";
import { encodeInviteLink, type InvitePayload, inviteLinkToken } from "@mesh/shared";
import {
  type BrokerProcess,
  eventually,
  killLeftoverBrokers,
  runningBrokers,
  startBrokerProcess,
} from "../../../apps/broker/test/helpers/broker-process.ts";
import { type CliProcess, runMesh, startMesh, stopLeftoverCliProcesses } from "./helpers/mesh-cli.ts";

/*
 * The whole product through the `mesh` binary, as real processes: an operator
 * makes a mesh and an invite, agents join with homes of their own, send,
 * listen, get held by hooks, and ride out a broker restart.
 */

const dir = makeTempDir("mesh-cli-e2e");
let database: TestDatabase;
let db: DbClient;
let broker: BrokerProcess;
let brokerUrl: string;
const slug = `e2e-${Date.now().toString(36)}`;
const homes = { operator: "", alice: "", bob: "", carol: "" };
const workdirs = { alice: "", bob: "", carol: "" };
const pubkeys: Record<string, string> = {};
let bobListen: CliProcess;
let carolListen: CliProcess;
let aliceListen: CliProcess;

const envOf = (home: string): Record<string, string> => ({ MESH_HOME: home, DATABASE_URL: database.url });
const mesh = (who: keyof typeof homes, args: string[], stdin?: string) =>
  runMesh(args, { env: envOf(homes[who]), ...(stdin !== undefined ? { stdin } : {}) });

async function createInvite(args: string[] = []): Promise<string> {
  const run = await mesh("operator", ["admin", "invite", "--mesh", slug, "--broker-url", brokerUrl, "--json", ...args]);
  expect(run.code).toBe(0);
  const link = (run.json()[0]?.invite as { link?: unknown } | undefined)?.link;
  if (typeof link !== "string") throw new Error(`no link in ${run.stdout}`);
  return link;
}

/** The listener's line for `text`; generous, since a loaded CI machine starts processes slowly. */
const messageLine = (cli: CliProcess, text: string) =>
  cli.waitForLine((l) => (JSON.parse(l) as { text?: string }).text === text, 20_000);

let markers = 0;
/**
 * Proves a listener's path live before a test trusts a silence on it: `from`
 * sends `to` a `now` marker, and once `listener` printed it, resolves with the
 * lines it printed before. Messages reach a session oldest first, so anything
 * queued for it before the marker has been printed by then.
 */
async function linesBeforeMarker(from: keyof typeof homes, to: string, listener: CliProcess): Promise<string[]> {
  markers += 1;
  const marker = `marker ${markers}`;
  expect((await mesh(from, ["send", "--to", to, "--priority", "now", marker])).code).toBe(0);
  const line = await messageLine(listener, marker);
  return listener.lines.slice(0, listener.lines.indexOf(line));
}

beforeAll(async () => {
  database = await createTestDatabase();
  broker = await startBrokerProcess({ DATABASE_URL: database.url });
  brokerUrl = `ws://127.0.0.1:${broker.port}/ws`;
  db = createDbClient(database.url, { max: 2 });
  for (const who of Object.keys(homes) as (keyof typeof homes)[]) homes[who] = join(dir.path, `home-${who}`);
  for (const who of Object.keys(workdirs) as (keyof typeof workdirs)[]) {
    workdirs[who] = join(dir.path, `work-${who}`);
    mkdirSync(workdirs[who], { recursive: true });
  }
});

afterAll(async () => {
  const leftCli = await stopLeftoverCliProcesses();
  await db?.close();
  await broker?.stop();
  const leftBrokers = runningBrokers();
  await killLeftoverBrokers();
  await database?.drop();
  dir.remove();
  expect(leftCli).toBe(0);
  expect(leftBrokers).toBe(0);
});

describe("mesh CLI end to end", () => {
  test("an operator creates a mesh; three agents join it with homes of their own", async () => {
    const created = await mesh("operator", ["admin", "bootstrap", "--name", "E2E mesh", "--slug", slug]);
    expect(created.code).toBe(0);
    const link = await createInvite(["--uses", "3"]);
    for (const who of ["alice", "bob", "carol"] as const) {
      const joined = await mesh(who, ["join", link, "--name", who, "--json"]);
      expect(joined.code).toBe(0);
      const answer = joined.json()[0];
      expect(answer).toMatchObject({ ok: true, slug, alreadyMember: false });
      pubkeys[who] = String(answer?.pubkey);
    }
    expect(new Set(Object.values(pubkeys)).size).toBe(3);
  });

  test("A sends B a direct message; B's listen prints the plaintext; the broker stored only ciphertext", async () => {
    bobListen = startMesh(["listen", "--json", "--cwd", workdirs.bob], { env: envOf(homes.bob) });
    carolListen = startMesh(["listen", "--json", "--cwd", workdirs.carol], { env: envOf(homes.carol) });
    aliceListen = startMesh(["listen", "--json", "--cwd", workdirs.alice], { env: envOf(homes.alice) });
    // Every listener's session is live first: bob's listen names a sender from the live peers, and alice's
    // `send` session may be gone by the time the push reaches it.
    const liveListeners = async () => {
      const [row] = await db.sql<{ n: number }[]>`
        select count(distinct p.member_id)::int as n from mesh.presence p join mesh.member m on m.id = p.member_id
        where m.pubkey in ${db.sql([pubkeys.alice ?? "", pubkeys.bob ?? "", pubkeys.carol ?? ""])}
          and p.disconnected_at is null`;
      return row?.n === 3;
    };
    expect(await eventually(liveListeners, 20_000)).toBe(true);
    const secret = "the plaintext only bob may read 7f3a";
    const sent = await mesh("alice", ["send", "--to", pubkeys.bob ?? "", "--priority", "now", "--json", secret]);
    expect(sent.code).toBe(0);
    expect(sent.json()[0]).toMatchObject({ ok: true, recipients: 1, duplicate: false });

    const line = JSON.parse(await messageLine(bobListen, secret)) as Record<string, unknown>;
    expect(line).toMatchObject({ sender: pubkeys.alice, senderName: "alice", priority: "now", text: secret });

    const stored = await db.sql<{ ciphertext: string }[]>`
      select e.ciphertext from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
      where q.message_id = ${String(sent.json()[0]?.messageId)}`;
    expect(stored.length).toBe(1);
    for (const row of stored) {
      expect(row.ciphertext).not.toContain(secret);
      expect(Buffer.from(row.ciphertext, "base64").includes(Buffer.from(secret))).toBe(false);
    }
  });

  test("a broadcast from A reaches B and C but not A, sealed: this mesh runs the strict profile", async () => {
    const text = "broadcast to everyone else";
    const sent = await mesh("alice", ["send", "--to", "*", "--priority", "now", text]);
    expect(sent.code).toBe(0);
    expect(sent.stderr).not.toContain("WARNING");
    const lines = await Promise.all([messageLine(bobListen, text), messageLine(carolListen, text)]);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ text, encrypted: true });
    expect(bobListen.stderr()).not.toContain("WARNING");
    // A marker sent to A afterwards arrives after anything A could have got before it.
    const beforeMarker = await linesBeforeMarker("bob", pubkeys.alice ?? "", aliceListen);
    expect(beforeMarker.some((l) => l.includes(text))).toBe(false);
  });

  test("`mesh hook` marks B working on UserPromptSubmit: A's next message waits until Stop", async () => {
    const event = (name: string) =>
      JSON.stringify({
        session_id: "5b7c1c7e-claude-session",
        transcript_path: join(workdirs.bob, "transcript.jsonl"),
        cwd: workdirs.bob,
        hook_event_name: name,
        ...(name === "UserPromptSubmit" ? { prompt: "refactor the parser" } : { stop_hook_active: false }),
      });
    const working = await mesh("bob", ["hook"], event("UserPromptSubmit"));
    expect(working.code).toBe(0);
    const [presence] = await db.sql<{ status: string }[]>`
      select status from mesh.presence where member_id = (select id from mesh.member where pubkey = ${pubkeys.bob ?? ""})
        and disconnected_at is null`;
    expect(presence?.status).toBe("working");

    const held = "wait until you are idle";
    expect((await mesh("alice", ["send", "--to", pubkeys.bob ?? "", "--priority", "next", held])).code).toBe(0);
    // Held while working: a `now` marker sent after it is printed, and it is not.
    expect((await linesBeforeMarker("alice", pubkeys.bob ?? "", bobListen)).some((l) => l.includes(held))).toBe(false);

    expect((await mesh("bob", ["hook"], event("Stop"))).code).toBe(0);
    await messageLine(bobListen, held);
  });

  test("`mesh status` sets the running session's status by hand", async () => {
    const dnd = await runMesh(["status", "dnd", "--json", "--cwd", workdirs.carol], { env: envOf(homes.carol) });
    expect(dnd.code).toBe(0);
    expect(dnd.json()[0]).toMatchObject({ ok: true, status: "dnd" });
    const peers = await mesh("alice", ["peers", "--json"]);
    const listed = (peers.json()[0]?.peers ?? []) as { pubkey: string; status: string }[];
    expect(listed.find((p) => p.pubkey === pubkeys.carol)?.status).toBe("dnd");
    expect((await runMesh(["status", "idle", "--cwd", workdirs.carol], { env: envOf(homes.carol) })).code).toBe(0);
  });

  test("the listener survives a broker restart and receives what was sent meanwhile", async () => {
    const port = broker.port;
    const reconnects = () => bobListen.stderr().split("reconnecting").length - 1;
    const reconnectsBefore = reconnects();
    expect(await broker.stop()).toBe(0);
    // The listener saw its broker go before the broker comes back.
    expect(await eventually(async () => reconnects() > reconnectsBefore, 15_000)).toBe(true);
    const text = "sent while the broker was away";
    // The sender is started with no broker to talk to and keeps trying while the broker comes back.
    // The pause only gives it time to fail once; nothing below depends on how long it takes.
    const sending = mesh("alice", ["send", "--to", pubkeys.bob ?? "", "--priority", "now", text]);
    await Bun.sleep(500);
    broker = await startBrokerProcess({ DATABASE_URL: database.url, BROKER_PORT: String(port) });
    expect((await sending).code).toBe(0);
    await messageLine(bobListen, text);
  });

  test("a tampered, an expired and a used-up invite each fail with their code", async () => {
    const link = await createInvite(["--uses", "1"]);
    const payload = JSON.parse(Buffer.from(link.slice("ic://join/".length), "base64url").toString()) as InvitePayload;
    const tampered = encodeInviteLink({ ...payload, role: "admin" });
    const bad = await runMesh(["join", tampered, "--name", "mallory", "--json"], { env: envOf(join(dir.path, "m1")) });
    expect(bad.code).toBe(1);
    expect(bad.json()[0]).toMatchObject({ ok: false, error: "invite_bad_signature" });

    // The broker stores no invite already past its expiry: a few seconds cover the request on a busy machine.
    const shortLived = await createInvite(["--expires", "3s"]);
    // Past its expiry by the database's clock, which the broker judges it by.
    const expiredInDb = async () => {
      const [row] = await db.sql<{ past: boolean }[]>`
        select expires_at <= now() as past from mesh.invite where token = ${inviteLinkToken(shortLived)}`;
      return row?.past === true;
    };
    expect(await eventually(expiredInDb, 15_000)).toBe(true);
    const expired = await runMesh(["join", shortLived, "--name", "late", "--json"], {
      env: envOf(join(dir.path, "m2")),
    });
    expect(expired.code).toBe(1);
    expect(expired.json()[0]).toMatchObject({ ok: false, error: "invite_expired" });

    const first = await runMesh(["join", link, "--name", "first"], { env: envOf(join(dir.path, "m3")) });
    expect(first.code).toBe(0);
    const second = await runMesh(["join", link, "--name", "second", "--json"], { env: envOf(join(dir.path, "m4")) });
    expect(second.code).toBe(1);
    expect(second.json()[0]).toMatchObject({ ok: false, error: "invite_exhausted" });
  });

  test("listeners stop cleanly on SIGTERM and leave no session records behind", async () => {
    for (const cli of [aliceListen, bobListen, carolListen]) expect(await cli.stop()).toBe(0);
    const status = await runMesh(["status", "--json"], { env: envOf(homes.bob) });
    expect(status.code).toBe(0);
    expect(status.stdout).toBe("");
  });
});
