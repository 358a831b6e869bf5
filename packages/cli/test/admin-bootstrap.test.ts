import { afterAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@mesh/db/testing";
import { MeshHome, verifyInviteLink } from "@mesh/sdk";
import { decodeInviteLink, generateEd25519KeyPair, inviteLinkToken, invitePayload } from "@mesh/shared";
import { startBrokerProcess } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { session } from "../../../apps/broker/test/helpers/ws-client.ts";
import { joinRequestBody } from "../../sdk/src/join/join-request.ts";
import { type CliRun, runMesh } from "./helpers/mesh-cli.ts";

/*
 * The bootstrap path (`mesh admin bootstrap`, straight into the database)
 * and what its owner key then does over the admin API without any operator
 * token: `set-profile` and `invite`, signed by the owner. The broker has no
 * ADMIN_TOKEN_SHA256 here, as a fresh one has none.
 */
const suite = useBrokerSuite({});
const dir = makeTempDir("mesh-admin-bootstrap");

afterAll(() => dir.remove());

const freshHome = () => join(dir.path, `home-${randomUUID()}`);
const freshSlug = () => `t-${randomUUID().slice(0, 8)}`;
const adminEnv = (home: string) => ({
  MESH_HOME: home,
  DATABASE_URL: suite.database.url,
  MESH_BROKER_URL: suite.broker.baseUrl,
});
const mesh = (args: string[], env: Record<string, string>) => runMesh(args, { env });
/** What the admin commands print under `--json`, as far as these tests read it. */
interface Printed {
  ok: boolean;
  error?: string;
  mesh: { id: string; ownerPubkey: string; rootKey?: string };
  invite: { link: string; expiresAt: string };
}
const lastJson = (run: CliRun) => JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "null") as Printed;

async function bootstrap(home: string, slug: string, extra: string[] = []) {
  const run = await mesh(
    ["admin", "bootstrap", "--name", `Mesh ${slug}`, "--slug", slug, "--json", ...extra],
    adminEnv(home),
  );
  expect(run.code).toBe(0);
  return lastJson(run);
}

async function invite(home: string, slug: string, extra: string[] = []) {
  const run = await mesh(["admin", "invite", "--mesh", slug, "--json", ...extra], adminEnv(home));
  if (run.code !== 0) throw new Error(`invite exited ${run.code}: ${run.stderr}`);
  return lastJson(run);
}

let joiners = 0;
/** `POST /join` as our SDK sends it, by a fresh key under a fresh name unless told. */
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

describe("mesh admin bootstrap", () => {
  test("writes the mesh, its audit row and a 0600 owner record; says what it opened on stderr", async () => {
    const home = freshHome();
    const slug = freshSlug();
    const run = await mesh(["admin", "bootstrap", "--name", `Mesh ${slug}`, "--slug", slug, "--json"], adminEnv(home));
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("opening the database at DATABASE_URL\n");
    const created = lastJson(run);
    expect(created as unknown).toEqual({
      ok: true,
      mesh: {
        id: expect.any(String),
        slug,
        name: `Mesh ${slug}`,
        ownerPubkey: expect.stringMatching(/^[0-9a-f]{64}$/),
        profile: "strict",
      },
    });
    const [row] =
      await suite.sql`select id, owner_pubkey, root_key, client_profile from mesh.mesh where slug = ${slug}`;
    expect(row).toMatchObject({
      id: created.mesh.id,
      owner_pubkey: created.mesh.ownerPubkey,
      client_profile: "strict",
    });
    const audit = await suite.sql`select event, actor, target from mesh.audit_log where mesh_id = ${created.mesh.id}`;
    expect([...audit]).toEqual([{ event: "mesh_created", actor: "bootstrap", target: created.mesh.id }]);
    expect(statSync(join(home, "owners", `${slug}.json`)).mode & 0o777).toBe(0o600);
    expect(new MeshHome(home).owner(slug)).toMatchObject({
      meshId: created.mesh.id,
      publicKey: created.mesh.ownerPubkey,
      rootKey: row?.root_key,
      brokerUrl: suite.broker.baseUrl,
    });
  });

  test("--profile claudemesh warns loudly that broadcasts are not encrypted", async () => {
    const slug = freshSlug();
    const human = await mesh(
      ["admin", "bootstrap", "--name", "Compat", "--slug", slug, "--profile", "claudemesh"],
      adminEnv(freshHome()),
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`created mesh ${slug} (`);
    expect(human.stdout).toContain("with the claudemesh profile");
    expect(human.stderr).toContain(`WARNING: mesh ${slug} runs the claudemesh profile`);
    expect(human.stderr).toContain("NOT encrypted");
  });

  test("a taken slug is mesh_exists (exit 1); a home holding that slug's key is owner_exists", async () => {
    const slug = freshSlug();
    await bootstrap(freshHome(), slug);
    const taken = await mesh(["admin", "bootstrap", "--name", "x", "--slug", slug, "--json"], adminEnv(freshHome()));
    expect([taken.code, lastJson(taken).error]).toEqual([1, "mesh_exists"]);

    const home = freshHome();
    const other = freshSlug();
    const kept = {
      meshId: "elsewhere",
      slug: other,
      ...generateEd25519KeyPair(),
      rootKey: "k",
      createdAt: "2026-01-01T00:00:00Z",
    };
    new MeshHome(home).saveOwner(kept);
    const run = await mesh(["admin", "bootstrap", "--name", "x", "--slug", other, "--json"], adminEnv(home));
    expect([run.code, lastJson(run).error]).toEqual([1, "owner_exists"]);
    expect(new MeshHome(home).owner(other)).toEqual(kept);
    const [count] = await suite.sql`select count(*)::int as n from mesh.mesh where slug = ${other}`;
    expect(count?.n).toBe(0);
  });

  test("bad usage exits 2 before any database or broker is asked", async () => {
    const env = {
      MESH_HOME: freshHome(),
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      MESH_BROKER_URL: "http://127.0.0.1:1",
    };
    const runs = await Promise.all([
      mesh(["admin", "bootstrap", "--name", "x"], env),
      mesh(["admin", "bootstrap", "--name", "x", "--slug", "Not_A_Slug"], env),
      mesh(["admin", "bootstrap", "--name", " ", "--slug", "ok"], env),
      mesh(["admin", "bootstrap", "--name", "x", "--slug", "ok", "--profile", "open"], env),
      mesh(["admin", "create-mesh", "--name", "x", "--slug", "ok", "--bogus"], env),
      mesh(["admin", "set-profile", "--mesh", "ok"], env),
      mesh(["admin", "set-profile", "--mesh", "ok", "--profile", "plaintext"], env),
      mesh(["admin", "set-profile", "--mesh", "Not_A_Slug", "--profile", "strict"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--broker-url", "http://x/ws"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--uses", "0"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--expires", "1y"], env),
      mesh(["admin", "invite", "--mesh", "ok", "--role", "boss"], env),
      mesh(["admin", "members"], env),
      mesh(["admin", "kick", "--mesh", "ok"], env),
      mesh(["admin", "rename-member", "--mesh", "ok", "--member", "a", "--name", "bad\u001bname"], env),
    ]);
    expect(runs.map((r) => r.code)).toEqual(runs.map(() => 2));
  });
});

describe("with the owner key bootstrap kept, over the API and without an operator token", () => {
  test("set-profile changes the profile (audited with the owner as actor); the next hello_ack announces it", async () => {
    const home = freshHome();
    const slug = freshSlug();
    const created = await bootstrap(home, slug);
    const setProfile = (profile: string, extra: string[] = ["--json"]) =>
      mesh(["admin", "set-profile", "--mesh", slug, "--profile", profile, ...extra], adminEnv(home));

    const toClaudemesh = await setProfile("claudemesh");
    expect(toClaudemesh.code).toBe(0);
    expect(lastJson(toClaudemesh)).toMatchObject({ ok: true, changed: true, mesh: { slug, profile: "claudemesh" } });
    expect(lastJson(toClaudemesh).mesh.rootKey).toBeUndefined();
    expect(toClaudemesh.stderr).toContain("NOT encrypted");
    const [audit] = await suite.sql`
      select actor, detail from mesh.audit_log where mesh_id = ${created.mesh.id} and event = 'mesh_updated'`;
    expect(audit).toMatchObject({
      actor: `owner:${created.mesh.ownerPubkey}`,
      detail: { old_profile: "strict", new_profile: "claudemesh" },
    });
    const member = await addMember(suite.sql, { id: String(created.mesh.id) });
    {
      await using s = await session(suite.broker.port, member);
      expect(s.ack).toMatchObject({ profile: "claudemesh" });
    }
    const again = await setProfile("claudemesh", []);
    expect(again).toMatchObject({
      code: 0,
      stdout: `mesh ${slug} already runs the claudemesh profile; nothing changed\n`,
    });
  });

  test("invite: a link POST /join accepts, with --expires, --uses and --role signed and stored", async () => {
    const home = freshHome();
    const slug = freshSlug();
    await bootstrap(home, slug);
    const before = Date.now();
    const answer = await invite(home, slug, ["--expires", "30m", "--uses", "2", "--role", "admin"]);
    const link = String(answer.invite.link);
    expect(answer.invite).toMatchObject({ role: "admin", maxUses: 2, usedCount: 0, revoked: false });
    const payload = invitePayload.parse(decodeInviteLink(link));
    expect(payload).toMatchObject({
      mesh_slug: slug,
      role: "admin",
      broker_url: `ws://127.0.0.1:${suite.broker.port}/ws`,
    });
    const expiresMs = Number(payload.expires_at) * 1000;
    expect(expiresMs).toBeGreaterThanOrEqual(Math.floor((before + 30 * 60_000) / 1000) * 1000);
    expect(Date.parse(String(answer.invite.expiresAt))).toBe(expiresMs);
    const [row] = await suite.sql`select role, max_uses from mesh.invite where token = ${inviteLinkToken(link)}`;
    expect(row).toEqual({ role: "admin", max_uses: 2 });
    expect((await postJoin(link)).status).toBe(200);
    expect((await postJoin(link)).status).toBe(200);
    expect((await postJoin(link)).body.error).toBe("invite_exhausted");
  });

  test("invite refuses without the owner key (not_owner, 1) and with another mesh's key (admin_not_owner, 3)", async () => {
    const slug = freshSlug();
    const created = await bootstrap(freshHome(), slug);
    const stranger = freshHome();
    const refusals = [await mesh(["admin", "invite", "--mesh", slug, "--json"], adminEnv(stranger))];
    new MeshHome(stranger).saveOwner({
      meshId: String(created.mesh.id),
      slug,
      ...generateEd25519KeyPair(),
      rootKey: "k".repeat(43),
      createdAt: new Date().toISOString(),
    });
    refusals.push(await mesh(["admin", "invite", "--mesh", slug, "--json"], adminEnv(stranger)));
    expect(refusals.map((r) => [r.code, lastJson(r).error])).toEqual([
      [1, "not_owner"],
      [3, "admin_not_owner"],
    ]);
    const [count] =
      await suite.sql`select count(*)::int as n from mesh.invite where mesh_id = ${String(created.mesh.id)}`;
    expect(count?.n).toBe(0);
  });

  test("operator commands are refused with admin_not_configured while the broker has no token (exit 3)", async () => {
    const run = await mesh(["admin", "meshes"], { ...adminEnv(freshHome()), MESH_ADMIN_TOKEN: "anything" });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("(admin_not_configured)");
  });
});

describe("bootstrap on the embedded default", () => {
  test("joins the cluster of a running broker, which keeps serving; the invite that follows is joinable", async () => {
    const data = makeTempDir("mesh-admin-embedded");
    const broker = await startBrokerProcess({ BROKER_DATA_DIR: data.path });
    try {
      const home = freshHome();
      const env = { MESH_HOME: home, BROKER_DATA_DIR: data.path, MESH_BROKER_URL: broker.baseUrl };
      const slug = freshSlug();
      const created = await mesh(["admin", "bootstrap", "--name", "Embedded", "--slug", slug, "--json"], env);
      expect(created.code).toBe(0);
      expect(created.stderr).toContain("opening the embedded Postgres in");
      const issued = await mesh(["admin", "invite", "--mesh", slug, "--json"], env);
      expect(issued.code).toBe(0);
      expect((await fetch(`${broker.baseUrl}/health`)).status).toBe(200);
      const link = String(lastJson(issued).invite.link);
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
