import { afterAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { freePort, makeTempDir } from "@mesh/db/testing";
import { MeshHome, verifyInviteLink } from "@mesh/sdk";
import {
  type ClientProfile,
  decodeInviteLink,
  generateEd25519KeyPair,
  inviteLinkToken,
  invitePayload,
} from "@mesh/shared";
import type { Socket, TCPSocketListener } from "bun";
import { startBrokerProcess } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember, createMesh } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { session } from "../../../apps/broker/test/helpers/ws-client.ts";
import { joinRequestBody } from "../../sdk/src/join/join-request.ts";
import { type CliRun, meshEntry, runMesh } from "./helpers/mesh-cli.ts";

/*
 * `mesh admin create-mesh`, `mesh admin invite` and `mesh hook` as real
 * processes against a real database and real brokers: broker 0 takes
 * tokenless hooks, broker 1 (HOOK_ALLOW_ANONYMOUS=false) only a session's
 * own token, which proves the hook sent it.
 */
const suite = useBrokerSuite({}, { HOOK_ALLOW_ANONYMOUS: "false" });
const dir = makeTempDir("mesh-admin-hook");

afterAll(() => dir.remove());

/** Runs `mesh <args>` as a real process with only `env` (plus PATH and HOME). */
const mesh = (args: string[], env: Record<string, string>, options: { stdin?: string; cwd?: string } = {}) =>
  runMesh(args, { env, ...options });

/** A fresh MESH_HOME path (not created: the CLI creates what it writes). */
const freshHome = () => join(dir.path, `home-${randomUUID()}`);
const freshSlug = () => `t-${randomUUID().slice(0, 8)}`;
const adminEnv = (home: string) => ({ MESH_HOME: home, DATABASE_URL: suite.database.url });
const lastJson = (run: CliRun) => JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "null") as Record<string, unknown>;

async function createMeshCli(home: string, slug: string) {
  const run = await mesh(["admin", "create-mesh", "--name", `Mesh ${slug}`, "--slug", slug, "--json"], adminEnv(home));
  // A strict mesh (the default) has nothing to warn about.
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return lastJson(run);
}

async function inviteCli(home: string, slug: string, extra: string[] = []) {
  const brokerUrl = `ws://127.0.0.1:${suite.broker.port}/ws`;
  const run = await mesh(
    ["admin", "invite", "--mesh", slug, "--broker-url", brokerUrl, "--json", ...extra],
    adminEnv(home),
  );
  expect(run.code).toBe(0);
  return lastJson(run);
}

let joiners = 0;
/** `POST /join` as our SDK sends it (with the key's proof), by a fresh key under a fresh name unless told. */
async function postJoin(link: string, keys = generateEd25519KeyPair()) {
  joiners += 1;
  const body = joinRequestBody(verifyInviteLink(link), keys, `agent-${joiners}`);
  const res = await fetch(`${suite.broker.baseUrl}/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("mesh admin create-mesh", () => {
  test("writes the mesh and a 0600 owner record, and reports it as JSON", async () => {
    const home = freshHome();
    const slug = freshSlug();
    const created = await createMeshCli(home, slug);
    expect(created).toEqual({
      ok: true,
      meshId: expect.any(String),
      slug,
      ownerPubkey: expect.stringMatching(/^[0-9a-f]{64}$/),
      profile: "strict",
    });
    const [row] =
      await suite.sql`select id, name, owner_pubkey, root_key, client_profile from mesh.mesh where slug = ${slug}`;
    expect(row).toMatchObject({
      id: created.meshId,
      name: `Mesh ${slug}`,
      owner_pubkey: created.ownerPubkey,
      client_profile: "strict",
    });
    expect(Buffer.from(String(row?.root_key), "base64url")).toHaveLength(32);

    const file = join(home, "owners", `${slug}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new MeshHome(home).owner(slug)).toMatchObject({
      meshId: created.meshId,
      publicKey: created.ownerPubkey,
      rootKey: row?.root_key,
    });
  });

  test("--profile claudemesh makes a claudemesh mesh, says so, and warns loudly on stderr that broadcasts are not encrypted", async () => {
    const slug = freshSlug();
    const human = await mesh(
      ["admin", "create-mesh", "--name", "Compat", "--slug", slug, "--profile", "claudemesh"],
      adminEnv(freshHome()),
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`created mesh ${slug} (`);
    expect(human.stdout).toContain("with the claudemesh profile");
    expect(human.stderr).toContain(`WARNING: mesh ${slug} runs the claudemesh profile`);
    expect(human.stderr).toContain("NOT encrypted");

    const jsonSlug = freshSlug();
    const json = await mesh(
      ["admin", "create-mesh", "--name", "Compat", "--slug", jsonSlug, "--profile", "claudemesh", "--json"],
      adminEnv(freshHome()),
    );
    expect(json.code).toBe(0);
    expect(lastJson(json)).toMatchObject({ ok: true, slug: jsonSlug, profile: "claudemesh" });
    expect(json.stderr).toContain("NOT encrypted");
    const rows =
      await suite.sql`select slug, client_profile from mesh.mesh where slug in ${suite.sql([slug, jsonSlug])}`;
    expect(rows.map((r) => r.client_profile)).toEqual(["claudemesh", "claudemesh"]);

    const strict = await mesh(
      ["admin", "create-mesh", "--name", "Plain", "--slug", freshSlug(), "--profile", "strict"],
      adminEnv(freshHome()),
    );
    expect(strict).toMatchObject({ code: 0, stderr: "" });
    expect(strict.stdout).toContain("with the strict profile");
  });

  test("a taken slug fails with exit 1 and mesh_exists, from this home or another", async () => {
    const home = freshHome();
    const slug = freshSlug();
    await createMeshCli(home, slug);
    for (const again of [home, freshHome()]) {
      const run = await mesh(["admin", "create-mesh", "--name", "x", "--slug", slug, "--json"], adminEnv(again));
      expect(run.code).toBe(1);
      expect(lastJson(run)).toMatchObject({ ok: false, error: "mesh_exists" });
    }
    const [count] = await suite.sql`select count(*)::int as n from mesh.mesh where slug = ${slug}`;
    expect(count?.n).toBe(1);
  });

  test("never overwrites an owner key of a mesh this database lacks (owner_exists)", async () => {
    const home = freshHome();
    const slug = freshSlug();
    const kept = {
      meshId: "elsewhere",
      slug,
      ...generateEd25519KeyPair(),
      rootKey: "k",
      createdAt: "2026-01-01T00:00:00Z",
    };
    new MeshHome(home).saveOwner(kept);
    const run = await mesh(["admin", "create-mesh", "--name", "x", "--slug", slug, "--json"], adminEnv(home));
    expect(run.code).toBe(1);
    expect(lastJson(run)).toMatchObject({ ok: false, error: "owner_exists" });
    expect(new MeshHome(home).owner(slug)).toEqual(kept);
    const [count] = await suite.sql`select count(*)::int as n from mesh.mesh where slug = ${slug}`;
    expect(count?.n).toBe(0);
  });

  test("bad usage exits 2 without touching the database", async () => {
    const env = { MESH_HOME: freshHome(), DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    const broker = "ws://127.0.0.1:7900/ws";
    const runs = await Promise.all([
      mesh(["admin", "create-mesh", "--name", "x"], env),
      mesh(["admin", "create-mesh", "--name", "x", "--slug", "Not_A_Slug"], env),
      mesh(["admin", "create-mesh", "--name", " ", "--slug", "ok"], env),
      mesh(["admin", "create-mesh", "--name", "x", "--slug", "ok", "--bogus"], env),
      mesh(["admin", "create-mesh", "--name", "x", "--slug", "ok", "--profile", "open"], env),
      mesh(["admin", "create-mesh", "--name", "x", "--slug", "ok", "--profile", "Claudemesh"], env),
      mesh(["admin", "set-profile", "--mesh", "ok"], env),
      mesh(["admin", "set-profile", "--profile", "strict"], env),
      mesh(["admin", "set-profile", "--mesh", "ok", "--profile", "plaintext"], env),
      mesh(["admin", "set-profile", "--mesh", "Not_A_Slug", "--profile", "strict"], env),
      mesh(["admin", "invite", "--mesh", "ok"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--broker-url", "http://x/ws"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--broker-url", broker, "--uses", "0"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--broker-url", broker, "--expires", "1y"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--broker-url", broker, "--role", "boss"], env),
    ]);
    expect(runs.map((r) => r.code)).toEqual(runs.map(() => 2));
  });
});

describe("mesh admin set-profile", () => {
  const setProfile = (slug: string, profile: string, extra: string[] = ["--json"]) =>
    mesh(["admin", "set-profile", "--mesh", slug, "--profile", profile, ...extra], adminEnv(freshHome()));
  const auditRows = async (meshId: unknown): Promise<Record<string, unknown>[]> => [
    ...(await suite.sql`
      select event, actor, target, detail from mesh.audit_log
      where mesh_id = ${String(meshId)} and event = 'mesh_profile_changed' order by id`),
  ];

  test("changes the profile, audits old and new, and the next hello_ack announces it", async () => {
    const slug = freshSlug();
    const created = await createMeshCli(freshHome(), slug);

    const toClaudemesh = await setProfile(slug, "claudemesh");
    expect(toClaudemesh.code).toBe(0);
    expect(lastJson(toClaudemesh)).toEqual({
      ok: true,
      meshId: created.meshId,
      slug,
      previous: "strict",
      profile: "claudemesh",
      changed: true,
    });
    expect(toClaudemesh.stderr).toContain("NOT encrypted");
    const [row] = await suite.sql`select client_profile from mesh.mesh where slug = ${slug}`;
    expect(row?.client_profile).toBe("claudemesh");
    expect(await auditRows(created.meshId)).toEqual([
      {
        event: "mesh_profile_changed",
        actor: "operator",
        target: created.meshId,
        detail: { old: "strict", new: "claudemesh" },
      },
    ]);

    // The broker reads it at the next hello.
    const member = await addMember(suite.sql, { id: String(created.meshId) });
    {
      await using s = await session(suite.broker.port, member);
      expect(s.ack).toMatchObject({ profile: "claudemesh", notice: expect.stringContaining("NOT encrypted") });
    }

    // The same profile again changes and audits nothing.
    const again = await setProfile(slug, "claudemesh");
    expect(again.code).toBe(0);
    expect(lastJson(again)).toMatchObject({ ok: true, previous: "claudemesh", profile: "claudemesh", changed: false });
    expect(await auditRows(created.meshId)).toHaveLength(1);

    // And back, in the human form.
    const back = await setProfile(slug, "strict", []);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(`mesh ${slug} now runs the strict profile (was claudemesh)\n`);
    expect(back.stderr).not.toContain("NOT encrypted");
    expect((await auditRows(created.meshId)).map((r) => r.detail)).toEqual([
      { old: "strict", new: "claudemesh" },
      { old: "claudemesh", new: "strict" },
    ]);
    {
      await using s = await session(suite.broker.port, member);
      expect(s.ack.profile).toBe("strict");
      expect(s.ack.notice).toBeUndefined();
    }
  });

  test("an unknown mesh fails with exit 1 and mesh_not_found; an archived one with mesh_archived; nothing is audited", async () => {
    const missing = await setProfile(freshSlug(), "claudemesh");
    expect(missing.code).toBe(1);
    expect(lastJson(missing)).toMatchObject({ ok: false, error: "mesh_not_found" });

    const slug = freshSlug();
    const created = await createMeshCli(freshHome(), slug);
    await suite.sql`update mesh.mesh set archived_at = now() where slug = ${slug}`;
    const archived = await setProfile(slug, "claudemesh");
    expect(archived.code).toBe(1);
    expect(lastJson(archived)).toMatchObject({ ok: false, error: "mesh_archived" });
    const [row] = await suite.sql`select client_profile from mesh.mesh where slug = ${slug}`;
    expect(row?.client_profile).toBe("strict");
    expect(await auditRows(created.meshId)).toEqual([]);
  });

  test("an unknown profile is a usage error (exit 2) that names the profiles", async () => {
    const slug = freshSlug();
    await createMeshCli(freshHome(), slug);
    const run = await setProfile(slug, "open");
    expect(run.code).toBe(2);
    expect(lastJson(run)).toMatchObject({ ok: false, error: "usage" });
    expect(run.stderr).toContain("--profile must be strict or claudemesh");
    const [row] = await suite.sql`select client_profile from mesh.mesh where slug = ${slug}`;
    expect(row?.client_profile).toBe("strict");
  });
});

describe("mesh admin invite", () => {
  test("prints a link a real broker's POST /join accepts; --uses 1 is used up by a second join", async () => {
    const home = freshHome();
    const slug = freshSlug();
    const created = await createMeshCli(home, slug);
    const invite = await inviteCli(home, slug);
    expect(invite).toEqual({
      ok: true,
      link: expect.stringMatching(/^ic:\/\/join\/[A-Za-z0-9_-]+$/),
      meshId: created.meshId,
      role: "member",
      uses: 1,
      expiresAt: expect.any(String),
    });
    const link = String(invite.link);
    const keys = generateEd25519KeyPair();
    const first = await postJoin(link, keys);
    expect(first).toEqual({ status: 200, body: { ok: true, memberId: expect.any(String) } });
    expect((await postJoin(link, keys)).body).toMatchObject({ ok: true, alreadyMember: true });
    expect(await postJoin(link)).toMatchObject({ status: 410, body: { ok: false, error: "invite_exhausted" } });
  });

  test("--expires, --uses and --role show up in the signed payload and the row", async () => {
    const home = freshHome();
    const slug = freshSlug();
    await createMeshCli(home, slug);
    const before = Date.now();
    const invite = await inviteCli(home, slug, ["--expires", "30m", "--uses", "2", "--role", "admin"]);
    const payload = invitePayload.parse(decodeInviteLink(String(invite.link)));
    // Unix seconds, as claudemesh clients require; the row expires at that same second.
    expect(Number.isInteger(payload.expires_at)).toBe(true);
    const expiresMs = Number(payload.expires_at) * 1000;
    expect(expiresMs).toBeGreaterThanOrEqual(Math.floor((before + 30 * 60_000) / 1000) * 1000);
    expect(expiresMs).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect(payload).toMatchObject({ mesh_slug: slug, role: "admin" });
    expect(Date.parse(String(invite.expiresAt))).toBe(expiresMs);
    const [row] = await suite.sql`
      select role, max_uses, used_count, extract(epoch from expires_at)::float8 * 1000 as expires_ms
      from mesh.invite where token = ${inviteLinkToken(String(invite.link))}`;
    expect(row).toEqual({ role: "admin", max_uses: 2, used_count: 0, expires_ms: expiresMs });
    expect((await postJoin(String(invite.link))).status).toBe(200);
    expect((await postJoin(String(invite.link))).status).toBe(200);
    expect((await postJoin(String(invite.link))).body.error).toBe("invite_exhausted");
  });

  test("refuses without the owner key, for a mesh the database lacks, and for another owner's mesh", async () => {
    const slug = freshSlug();
    const owner = freshHome();
    const created = await createMeshCli(owner, slug);
    const invite = (home: string, target: string) =>
      mesh(["admin", "invite", "--mesh", target, "--broker-url", "ws://127.0.0.1:1/ws", "--json"], adminEnv(home));

    const stranger = freshHome();
    const refusals = [await invite(stranger, slug)];
    // A home holding owner keys the database does not know: an unknown slug, then a known slug with another key.
    const forged = new MeshHome(stranger);
    const other = generateEd25519KeyPair();
    const missing = freshSlug();
    forged.saveOwner({ meshId: "nope", slug: missing, ...other, rootKey: "k", createdAt: new Date().toISOString() });
    forged.saveOwner({
      meshId: String(created.meshId),
      slug,
      ...other,
      rootKey: "k",
      createdAt: new Date().toISOString(),
    });
    refusals.push(await invite(stranger, missing), await invite(stranger, slug));
    expect(refusals.map((r) => [r.code, lastJson(r).error])).toEqual([
      [1, "not_owner"],
      [1, "mesh_not_found"],
      [1, "owner_mismatch"],
    ]);
    const [count] =
      await suite.sql`select count(*)::int as n from mesh.invite where mesh_id = ${String(created.meshId)}`;
    expect(count?.n).toBe(0);
  });
});

/**
 * A member of a fresh mesh with a live session in `cwd`, whose home records
 * the hook token; `await using` closes the session even when the test fails.
 */
async function agentWithSession(
  brokerIndex: number,
  cwd: string,
  options: { record?: boolean; profile?: ClientProfile } = {},
) {
  const broker = suite.brokerAt(brokerIndex);
  const meshRow = await createMesh(suite.sql, "hook mesh", { profile: options.profile ?? "strict" });
  const member = await addMember(suite.sql, meshRow);
  const s = await session(broker.port, member, { pid: 4242, cwd });
  const home = new MeshHome(freshHome());
  const brokerUrl = `ws://127.0.0.1:${broker.port}/ws`;
  home.saveMembership({
    meshId: meshRow.id,
    slug: meshRow.slug,
    memberId: member.id,
    brokerUrl,
    rootKey: meshRow.rootKey,
    role: "member",
    displayName: member.displayName,
    joinedAt: new Date().toISOString(),
  });
  const presenceId = String(s.ack.presenceId);
  if (options.record !== false) {
    home.saveSession({
      meshId: meshRow.id,
      brokerUrl,
      cwd,
      pid: 4242,
      holderPid: process.pid,
      presenceId,
      hookToken: String(s.ack.hookToken),
      updatedAt: new Date().toISOString(),
    });
  }
  return {
    home,
    presenceId,
    socket: s,
    [Symbol.asyncDispose]: async () => {
      await s.close();
    },
  };
}

/** A real-shaped Claude Code hook event. */
const hookEvent = (name: string, cwd: string) =>
  JSON.stringify({
    session_id: randomUUID(),
    transcript_path: `/home/agent/.claude/projects/p/${randomUUID()}.jsonl`,
    cwd,
    hook_event_name: name,
    ...(name === "UserPromptSubmit" ? { prompt: "fix the failing test" } : {}),
  });

async function presenceStatus(presenceId: string) {
  const [row] = await suite.sql`select status, status_source from mesh.presence where id = ${presenceId}`;
  return row;
}

/**
 * What starting the CLI costs here (`mesh hook --help` loads the same
 * modules and waits on nothing; the slower of two runs): time bounds are on
 * top of it, so a loaded machine does not fail them.
 */
async function startupMs(): Promise<number> {
  const runs = [await mesh(["hook", "--help"], {}), await mesh(["hook", "--help"], {})];
  expect(runs.map((r) => r.code)).toEqual([0, 0]);
  return Math.max(...runs.map((r) => r.ms));
}

/** Scheduling noise allowed on top of startup and the hook's own bounds. */
const SLACK_MS = 600;

const freshCwd = () => `/srv/agents/${randomUUID()}`;

describe("mesh hook", () => {
  test("UserPromptSubmit reports working with the session's token; Stop reports idle", async () => {
    const cwd = freshCwd();
    await using agent = await agentWithSession(1, cwd);
    const env = { MESH_HOME: agent.home.dir };
    const working = await mesh(["hook"], env, { stdin: hookEvent("UserPromptSubmit", cwd) });
    expect(working).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(await presenceStatus(agent.presenceId)).toEqual({ status: "working", status_source: "hook" });

    const idle = await mesh(["hook"], env, { stdin: hookEvent("Stop", cwd) });
    expect(idle.code).toBe(0);
    expect(await presenceStatus(agent.presenceId)).toEqual({ status: "idle", status_source: "hook" });
  });

  test("without a session record it reports tokenless, which reaches a claudemesh mesh's session; Notification reports nothing", async () => {
    const cwd = freshCwd();
    await using agent = await agentWithSession(0, cwd, { record: false, profile: "claudemesh" });
    const env = { MESH_HOME: agent.home.dir, MESH_HOOK_DEBUG: "1" };
    const notification = await mesh(["hook"], env, { stdin: hookEvent("Notification", cwd) });
    expect(notification.code).toBe(0);
    expect(notification.stderr).toContain("changes no status");
    expect(await presenceStatus(agent.presenceId)).toEqual({ status: "idle", status_source: "heartbeat" });

    const working = await mesh(["hook"], env, { stdin: hookEvent("PreToolUse", cwd) });
    expect(working).toMatchObject({ code: 0, stdout: "" });
    expect(working.stderr).toContain("→ 200");
    expect(await presenceStatus(agent.presenceId)).toEqual({ status: "working", status_source: "hook" });
  });

  test("garbage, empty, oversized stdin and a missing MESH_HOME all exit 0 at once, silently", async () => {
    const home = { MESH_HOME: join(dir.path, "never-created") };
    const startup = await startupMs();
    const inputs = [
      "garbage",
      "",
      "\u0000\u00ff{",
      "[1,2]",
      JSON.stringify({ hook_event_name: "Stop", cwd: "x".repeat(5000) }),
      "x".repeat(2 * 1024 * 1024),
      hookEvent("UserPromptSubmit", freshCwd()),
    ];
    for (const stdin of inputs) {
      const run = await mesh(["hook"], home, { stdin });
      expect(run).toMatchObject({ code: 0, stdout: "", stderr: "" });
      expect(run.ms).toBeLessThan(startup + SLACK_MS);
    }
  });

  test("a writer that never closes stdin holds the hook no longer than the stdin timeout", async () => {
    const startup = await startupMs();
    const started = performance.now();
    const child = Bun.spawn([process.execPath, meshEntry, "hook"], {
      env: { PATH: process.env.PATH ?? "", MESH_HOME: join(dir.path, "never-created") },
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    child.stdin.write('{"hook_event_name":"Stop"');
    const code = await child.exited;
    const ms = performance.now() - started;
    await child.stdin.end();
    expect(code).toBe(0);
    expect(await new Response(child.stdout).text()).toBe("");
    expect(ms).toBeLessThan(startup + 500 + SLACK_MS);
  });

  test("an unreachable or silent broker costs at most the 1 s timeout, then exit 0", async () => {
    const closedPort = await freePort();
    const held: Socket<unknown>[] = [];
    // Accepts connections and never answers: only the timeout ends the POST.
    const silent: TCPSocketListener = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: { open: (s) => void held.push(s), data: () => {} },
    });
    try {
      const home = new MeshHome(freshHome());
      for (const [slug, port] of [
        ["closed", closedPort],
        ["silent", silent.port],
      ] as const) {
        home.saveMembership({
          meshId: `id-${slug}`,
          slug,
          memberId: "m",
          brokerUrl: `ws://127.0.0.1:${port}/ws`,
          rootKey: "k",
          role: "member",
          displayName: "agent",
          joinedAt: new Date().toISOString(),
        });
      }
      const run = await mesh(
        ["hook"],
        { MESH_HOME: home.dir, MESH_HOOK_DEBUG: "1" },
        { stdin: hookEvent("Stop", "/x") },
      );
      expect(run).toMatchObject({ code: 0, stdout: "" });
      expect(run.stderr).toContain("closed: idle → no answer");
      expect(run.stderr).toContain("silent: idle → no answer");
      // The 1 s POST timeout, on top of what starting the CLI costs on this machine.
      expect(run.ms).toBeGreaterThan(900);
      expect(run.ms).toBeLessThan((await startupMs()) + 1000 + SLACK_MS);
    } finally {
      for (const s of held) s.end();
      silent.stop(true);
    }
  });

  test("--print-config installs an absolute command that works from any cwd", async () => {
    const cwd = freshCwd();
    await using agent = await agentWithSession(1, cwd);
    const printed = await mesh(["hook", "--print-config"], { MESH_HOME: agent.home.dir });
    expect(printed.code).toBe(0);
    const settings = JSON.parse(printed.stdout) as {
      hooks: Record<string, { matcher?: string; hooks: { type: string; command: string }[] }[]>;
    };
    expect(Object.keys(settings.hooks)).toEqual(["UserPromptSubmit", "PreToolUse", "Stop", "SubagentStop"]);
    const command = settings.hooks.UserPromptSubmit?.[0]?.hooks[0]?.command ?? "";
    expect(command).toStartWith(`MESH_HOME=${agent.home.dir} ${process.execPath} `);
    expect(command).toEndWith("/packages/cli/src/cli/main.ts hook");

    // As Claude Code runs it: through a shell, in another folder, with no MESH_HOME of its own.
    const elsewhere = join(dir.path, "elsewhere");
    mkdirSync(elsewhere, { recursive: true });
    const run = await runMesh([], {
      env: {},
      stdin: hookEvent("UserPromptSubmit", cwd),
      cwd: elsewhere,
      command: ["sh", "-c", command],
    });
    expect(run).toMatchObject({ code: 0, stdout: "" });
    expect(await presenceStatus(agent.presenceId)).toEqual({ status: "working", status_source: "hook" });
  });
});

describe("admin on the embedded default", () => {
  test("create-mesh and invite join the cluster of a running broker, which keeps serving", async () => {
    const data = makeTempDir("mesh-admin-embedded");
    const broker = await startBrokerProcess({ BROKER_DATA_DIR: data.path });
    try {
      const home = freshHome();
      const env = { MESH_HOME: home, BROKER_DATA_DIR: data.path };
      const slug = freshSlug();
      const created = await mesh(["admin", "create-mesh", "--name", "Embedded", "--slug", slug, "--json"], env);
      expect(created.code).toBe(0);
      expect(lastJson(created)).toMatchObject({ ok: true, slug });
      const invite = await mesh(
        ["admin", "invite", "--mesh", slug, "--broker-url", `ws://127.0.0.1:${broker.port}/ws`, "--json"],
        env,
      );
      expect(invite.code).toBe(0);
      expect((await fetch(`${broker.baseUrl}/health`)).status).toBe(200);
      const link = String(lastJson(invite).link);
      const joined = await fetch(`${broker.baseUrl}/join`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(joinRequestBody(verifyInviteLink(link), generateEd25519KeyPair(), "agent")),
      });
      expect(joined.status).toBe(200);
    } finally {
      expect(await broker.stop()).toBe(0);
      data.remove();
    }
  });
});
