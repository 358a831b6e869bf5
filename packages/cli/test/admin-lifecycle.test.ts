import { afterAll, describe, expect, test } from "bun:test";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@mesh/db/testing";
import type { AdminAnswer } from "@mesh/sdk";
import { OPERATOR_ENV, OPERATOR_TOKEN } from "../../../apps/broker/test/admin/admin-requests.ts";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { type CliProcess, type CliRun, runMesh, startMesh, stopLeftoverCliProcesses } from "./helpers/mesh-cli.ts";

/*
 * A mesh's whole life through `mesh admin` alone, against a real broker the
 * operator reaches only over HTTP (its token in MESH_ADMIN_TOKEN), and two
 * agents running the real CLI from homes of their own.
 */
const suite = useBrokerSuite(OPERATOR_ENV);
const dir = makeTempDir("mesh-admin-lifecycle");
const slug = `life-${Date.now().toString(36)}`;
const homes = { operator: join(dir.path, "operator"), alice: join(dir.path, "alice"), bob: join(dir.path, "bob") };
const pubkeys: Record<string, string> = {};
let bobListen: CliProcess | undefined;
let firstLink = "";

const operatorEnv = (extra: Record<string, string> = {}) => ({
  MESH_HOME: homes.operator,
  MESH_BROKER_URL: suite.broker.baseUrl,
  MESH_ADMIN_TOKEN: OPERATOR_TOKEN,
  ...extra,
});
const admin = (args: string[], extra?: Record<string, string>) =>
  runMesh(["admin", ...args], { env: operatorEnv(extra) });
const agent = (who: "alice" | "bob" | "carol", args: string[]) =>
  runMesh(args, { env: { MESH_HOME: join(dir.path, who) } });
/** The one JSON line a `--json` command printed, as the API's answer `T`. */
function answer<T = Record<string, unknown>>(run: CliRun): T {
  const [value] = run.json();
  if (!value) throw new Error(`no JSON on stdout: ${run.stdout} / ${run.stderr}`);
  return value as T;
}
/** A command that must succeed. */
async function ok(run: Promise<CliRun>): Promise<CliRun> {
  const done = await run;
  if (done.code !== 0) throw new Error(`exit ${done.code}: ${done.stdout}${done.stderr}`);
  return done;
}
const members = async () =>
  answer<AdminAnswer<"members">>(await ok(admin(["members", "--mesh", slug, "--json"]))).members;
const sessions = async () =>
  answer<AdminAnswer<"sessions">>(await ok(admin(["sessions", "--mesh", slug, "--json"]))).sessions;

afterAll(async () => {
  const left = await stopLeftoverCliProcesses();
  dir.remove();
  expect(left).toBe(0);
});

describe("mesh admin, creation to revocation, over the admin API only", () => {
  test("create-mesh with the operator token keeps the owner key here (0600) and prints no root key", async () => {
    const run = await ok(admin(["create-mesh", "--slug", slug, "--name", "Lifecycle", "--json"]));
    const created = answer<AdminAnswer<"mesh">>(run);
    expect(created).toMatchObject({ ok: true, mesh: { slug, name: "Lifecycle", profile: "strict", members: 0 } });
    expect(created.mesh.rootKey).toBeUndefined();
    const file = join(homes.operator, "owners", `${slug}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await Bun.file(file).json()).toMatchObject({
      meshId: created.mesh.id,
      publicKey: created.mesh.ownerPubkey,
      brokerUrl: suite.broker.baseUrl,
    });

    const human = await ok(admin(["meshes"]));
    const [header, ...rows] = human.stdout.split("\n");
    expect(header).toMatch(/^SLUG\s+NAME\s+PROFILE\s+STATE\s+MEMBERS\s+REVOKED\s+SESSIONS\s+BACKLOG\s+CREATED$/);
    expect(rows.find((r) => r.startsWith(slug))).toMatch(
      new RegExp(`^${slug}\\s+Lifecycle\\s+strict\\s+active\\s+0\\s+0\\s+0\\s+0\\s+\\d+s$`),
    );
    expect(human.stdout).toContain("1 mesh, 0 archived");
  });

  test("an invite signed here, registered over the API: two agents join and exchange a message", async () => {
    const run = await ok(admin(["invite", "--mesh", slug, "--uses", "2", "--json"]));
    const { invite } = answer<AdminAnswer<"invite">>(run);
    expect(invite).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{16}$/), maxUses: 2, usedCount: 0 });
    firstLink = String(invite.link);
    expect(firstLink).toStartWith("ic://join/");
    for (const who of ["alice", "bob"] as const) {
      pubkeys[who] = String(answer(await ok(agent(who, ["join", firstLink, "--name", who, "--json"]))).pubkey);
    }
    bobListen = startMesh(["listen", "--json"], { env: { MESH_HOME: homes.bob } });
    expect(await eventually(async () => (await sessions()).length === 1, 20_000)).toBe(true);
    await ok(agent("alice", ["send", "--to", pubkeys.bob ?? "", "--priority", "now", "hello bob"]));
    await bobListen.waitForLine((l) => l.includes("hello bob"), 20_000);
  });

  test("members, sessions and invites list as tables with headers, and as the API's JSON", async () => {
    const listed = await members();
    expect(listed.map((m) => [m.name, m.revoked, m.pubkey])).toEqual([
      ["alice", false, String(pubkeys.alice)],
      ["bob", false, String(pubkeys.bob)],
    ]);
    const table = await ok(admin(["members", "--mesh", slug]));
    const lines = table.stdout.split("\n");
    expect(lines[0]).toMatch(/^NAME\s+ID\s+ROLE\s+STATE\s+JOINED\s+LAST SEEN\s+SESSIONS\s+UNDELIVERED\s+KEY$/);
    expect(lines[2]).toMatch(/^bob\s+\S+\s+member\s+active\s+\d+[smh]\s+\S+\s+1\s+0\s+[0-9a-f]{16}…$/);
    expect(table.stdout).toContain("2 members, 0 revoked, 1 live session");

    const live = await sessions();
    expect(live).toEqual([expect.objectContaining({ memberName: "bob", status: expect.any(String) })]);
    const sessionTable = await ok(admin(["sessions", "--mesh", slug]));
    expect(sessionTable.stdout.split("\n")[0]).toMatch(
      /^SESSION\s+MEMBER\s+STATUS\s+SOURCE\s+INSTANCE\s+CONNECTED\s+LAST PING$/,
    );
    expect(sessionTable.stdout).toContain(String(live[0]?.presenceId));

    const invites = await ok(admin(["invites", "--mesh", slug]));
    expect(invites.stdout).toMatch(
      /^ID\s+ROLE\s+USED\s+STATE\s+EXPIRES\s+CREATED\n[0-9a-f]{16}\s+member\s+2\/2\s+used up\s+in 23h/,
    );
    expect(invites.stdout).not.toContain("ic://");

    const shown = await ok(admin(["mesh", "--mesh", slug]));
    expect(shown.stdout).toMatch(/members:\s+2 \(0 revoked\)/);
  });

  test("rename-member by name; rename and set-profile of the mesh", async () => {
    const run = await ok(admin(["rename-member", "--mesh", slug, "--member", "ALICE", "--name", "alicia"]));
    expect(run.stdout).toContain("is now named alicia");
    expect((await members()).map((m) => m.name)).toEqual(["alicia", "bob"]);
    const renamed = answer(await ok(admin(["rename", "--mesh", slug, "--name", "Lifecycle team", "--json"])));
    expect(renamed).toMatchObject({ changed: true, mesh: { name: "Lifecycle team" } });
    const profile = await ok(admin(["set-profile", "--mesh", slug, "--profile", "strict"]));
    expect(profile.stdout).toContain("already runs the strict profile; nothing changed");
  });

  test("kick closes bob's session; his listener comes back with a new one", async () => {
    const [before] = await sessions();
    if (!before) throw new Error("bob has no live session");
    const run = await ok(admin(["kick", "--mesh", slug, "--session", String(before.presenceId).slice(0, 13)]));
    expect(run.stdout).toContain(`kicked session ${before.presenceId} of bob`);
    expect(
      await eventually(async () => {
        const now = await sessions();
        return now.length === 1 && now[0]?.presenceId !== before.presenceId;
      }, 20_000),
    ).toBe(true);
    expect(bobListen?.stderr()).toContain("4003");
  });

  test("revoke-member closes bob's session and refuses his sends; restore lets him back", async () => {
    const run = await ok(admin(["revoke-member", "--mesh", slug, "--member", "bob"]));
    expect(run.stdout).toMatch(/^bob \(\S+\) revoked; \d+ queued envelopes? retired\n$/);
    expect(await eventually(async () => (await sessions()).length === 0, 20_000)).toBe(true);
    // The listener hears why (4002 member_revoked), does not reconnect, and fails with that code.
    expect(await bobListen?.process.exited).toBe(1);
    expect(bobListen?.stderr()).toContain("4002 member_revoked");
    expect(bobListen?.stderr()).not.toContain("unauthorized");
    const refused = await agent("bob", ["send", "--to", pubkeys.alice ?? "", "are you there"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("unauthorized");
    expect((await members()).find((m) => m.name === "bob")).toMatchObject({ revoked: true, liveSessions: 0 });

    await ok(admin(["restore-member", "--mesh", slug, "--member", "bob"]));
    await ok(agent("bob", ["send", "--to", pubkeys.alice ?? "", "back again"]));
  });

  test("revoke-invite (by its link): a join with it is refused", async () => {
    const issued = await ok(admin(["invite", "--mesh", slug, "--uses", "5", "--json"]));
    const link = String(answer<AdminAnswer<"invite">>(issued).invite.link);
    const run = await ok(admin(["revoke-invite", "--mesh", slug, "--invite", link]));
    expect(run.stdout).toMatch(/^invite [0-9a-f]{16} of \S+ revoked/);
    const refused = await agent("carol", ["join", link, "--name", "carol"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("invite_revoked");
  });

  test("archive-mesh refuses sends; unarchive-mesh lets them through again", async () => {
    await ok(admin(["archive-mesh", "--mesh", slug]));
    const refused = await agent("alice", ["send", "--to", pubkeys.bob ?? "", "into the void"]);
    expect(refused.code).not.toBe(0);
    const shown = answer(await ok(admin(["mesh", "--mesh", slug, "--json"])));
    expect(shown.mesh).toMatchObject({ archived: true });
    await ok(admin(["unarchive-mesh", "--mesh", slug]));
    await ok(agent("alice", ["send", "--to", pubkeys.bob ?? "", "we are back"]));
  });
});

describe("mesh admin refusals", () => {
  test("a wrong token, an unknown mesh, an unknown member: the API's code, exit 3", async () => {
    const runs = [
      await admin(["meshes"], { MESH_ADMIN_TOKEN: "not-the-token" }),
      await admin(["members", "--mesh", "no-such-mesh"]),
      await admin(["revoke-member", "--mesh", slug, "--member", "nobody"]),
      await admin(["kick", "--mesh", slug, "--session", "no-such-session"]),
    ];
    expect(runs.map((r) => r.code)).toEqual([3, 3, 3, 3]);
    expect(runs[0]?.stderr).toContain("(admin_unauthorized)");
    expect(runs[1]?.stderr).toContain("(mesh_not_found)");
    expect(runs[2]?.stderr).toContain("(member_not_found)");
    expect(runs[3]?.stderr).toContain("(session_not_found)");
    const json = await admin(["members", "--mesh", "no-such-mesh", "--json"]);
    expect(answer(json)).toMatchObject({ ok: false, error: "mesh_not_found", message: expect.any(String) });
  });

  test("the token from --token-file; with neither a token nor the owner key: admin_unauthorized", async () => {
    const file = join(dir.path, "token");
    writeFileSync(file, `${OPERATOR_TOKEN}\n`, { mode: 0o600 });
    const viaFile = await runMesh(["admin", "meshes", "--token-file", file, "--json"], {
      env: { MESH_HOME: join(dir.path, "other"), MESH_BROKER_URL: suite.broker.baseUrl },
    });
    expect(viaFile.code).toBe(0);
    expect(answer<AdminAnswer<"meshes">>(viaFile).meshes.map((m) => m.slug)).toContain(slug);
    const noToken = await runMesh(["admin", "members", "--mesh", slug], {
      env: { MESH_HOME: join(dir.path, "other"), MESH_BROKER_URL: suite.broker.baseUrl },
    });
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toContain("(admin_unauthorized)");
  });

  test("no broker, or a broker out of reach: usage (2) and failure (1)", async () => {
    const env = { MESH_HOME: join(dir.path, "other"), MESH_ADMIN_TOKEN: OPERATOR_TOKEN };
    const none = await runMesh(["admin", "meshes"], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("MESH_BROKER_URL");
    const away = await runMesh(["admin", "meshes", "--broker", "http://127.0.0.1:1"], { env });
    expect(away.code).toBe(1);
    expect(away.stderr).toContain("(broker_unreachable)");
  });
});
