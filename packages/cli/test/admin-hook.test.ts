import { afterAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, makeTempDir } from "@mesh/db/testing";
import { MeshHome } from "@mesh/sdk";
import type { ClientProfile } from "@mesh/shared";
import type { Socket, TCPSocketListener } from "bun";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember, createMesh } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { session } from "../../../apps/broker/test/helpers/ws-client.ts";
import { meshEntry, runMesh } from "./helpers/mesh-cli.ts";

/*
 * `mesh hook` as a real process against a real database and real brokers
 * (the admin commands are tested in admin-bootstrap.test.ts and
 * admin-lifecycle.test.ts): broker 0 takes tokenless hooks, broker 1
 * (HOOK_ALLOW_ANONYMOUS=false) only a session's own token, which proves the
 * hook sent it.
 */
const suite = useBrokerSuite({}, { HOOK_ALLOW_ANONYMOUS: "false" });
const dir = makeTempDir("mesh-admin-hook");

afterAll(() => dir.remove());

/** Runs `mesh <args>` as a real process with only `env` (plus PATH and HOME). */
const mesh = (args: string[], env: Record<string, string>, options: { stdin?: string; cwd?: string } = {}) =>
  runMesh(args, { env, ...options });

/** A fresh MESH_HOME path (not created: the CLI creates what it writes). */
const freshHome = () => join(dir.path, `home-${randomUUID()}`);

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
