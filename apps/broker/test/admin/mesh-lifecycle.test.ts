import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { type Ed25519KeyPair, generateEd25519KeyPair } from "@mesh/shared";
import { insertEnvelopes } from "../../src/delivery/insert-envelopes.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { envelopeFor } from "../helpers/envelopes.ts";
import { addMember, type TestMember, type TestMesh } from "../helpers/mesh-fixtures.ts";
import { connect, helloFor, session, taggedSendTo } from "../helpers/ws-client.ts";
import { joinBody, postJoin } from "../membership/join-request.ts";
import { asOperator, asOwner, auditRows, OPERATOR_ENV, signedInviteLink } from "./admin-requests.ts";

// Two instances on one database; the sweep interval is a minute, so only the notifications close sessions in time.
const env = { ...OPERATOR_ENV, SWEEP_INTERVAL_MS: "60000" };
const suite = useBrokerSuite(env, env);

/** A mesh made through the API, with the owner keypair the operator's CLI would keep. */
async function createMeshOverApi(profile?: "strict" | "claudemesh"): Promise<TestMesh> {
  const owner: Ed25519KeyPair = generateEd25519KeyPair();
  const slug = `a-${randomBytes(5).toString("hex")}`;
  const res = await asOperator(suite.broker.baseUrl, "POST", "/admin/meshes", {
    slug,
    name: `Mesh ${slug}`,
    ownerPubkey: owner.publicKey,
    ...(profile ? { profile } : {}),
  });
  expect(res.status).toBe(201);
  const mesh = res.body.mesh as { id: string; rootKey: string };
  return { id: mesh.id, slug, rootKey: mesh.rootKey, owner };
}

/** What a member's session sends, stored through the broker's own insert (as a `send` would be). */
function storeSend(sender: TestMember, to: TestMember) {
  const envelope = envelopeFor(sender, to);
  return insertEnvelopes(suite.sql, [envelope], {
    origin: "test",
    maxAgeSeconds: 3600,
    budgetOf: () => ({ mesh: 1_000_000, sender: 1_000_000 }),
  });
}

describe("meshes over the admin API", () => {
  test("the operator creates a mesh (201, with its root key once); a taken slug is 409 mesh_exists", async () => {
    const base = suite.broker.baseUrl;
    const owner = generateEd25519KeyPair();
    const slug = `c-${randomBytes(5).toString("hex")}`;
    const body = { slug, name: "  Platform team ", ownerPubkey: owner.publicKey.toUpperCase(), profile: "claudemesh" };
    const created = await asOperator(base, "POST", "/admin/meshes", body);
    expect(created.status).toBe(201);
    expect(created.body.mesh).toMatchObject({
      slug,
      name: "Platform team",
      ownerPubkey: owner.publicKey,
      profile: "claudemesh",
      archived: false,
      archivedAt: null,
      members: 0,
      revokedMembers: 0,
      liveSessions: 0,
      backlog: 0,
    });
    const mesh = created.body.mesh as { id: string; rootKey: string };
    expect(mesh.rootKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await suite.sql`select owner_pubkey, root_key, client_profile from mesh.mesh where slug = ${slug}`;
    expect(row).toEqual({ owner_pubkey: owner.publicKey, root_key: mesh.rootKey, client_profile: "claudemesh" });

    const taken = await asOperator(base, "POST", "/admin/meshes", { ...body, name: "another" });
    expect([taken.status, taken.body.error]).toEqual([409, "mesh_exists"]);
    const badSlug = await asOperator(base, "POST", "/admin/meshes", { ...body, slug: "-bad-" });
    expect([badSlug.status, badSlug.body.error]).toEqual([400, "bad_request"]);
    // Operator views never carry the root key; the owner's does.
    const shown = await asOperator(base, "GET", `/admin/meshes/${slug}`);
    expect(shown.body.mesh).not.toHaveProperty("rootKey");
    const owned = await asOwner(base, owner, "GET", `/admin/meshes/${slug}`);
    expect((owned.body.mesh as { rootKey: string }).rootKey).toBe(mesh.rootKey);

    expect(await auditRows(suite.sql, mesh.id)).toEqual([
      {
        event: "mesh_created",
        actor: "operator",
        target: mesh.id,
        detail: { slug, profile: "claudemesh", owner_pubkey: owner.publicKey },
      },
    ]);
  });

  test("list and show count members, revoked members, live sessions on every instance and the backlog", async () => {
    const mesh = await createMeshOverApi();
    const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    await addMember(suite.sql, mesh, { revoked: true });
    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.brokerAt(1).port, alice);
    // Bob is offline: what alice sends him waits.
    a.send(taggedSendTo(bob, "for bob", { id: "s1" }));
    expect((await a.next("ack")).id).toBe("s1");
    b.send(taggedSendTo(bob, "for bob again", { id: "s2" }));
    expect((await b.next("ack")).id).toBe("s2");
    const expected = { id: mesh.id, members: 2, revokedMembers: 1, liveSessions: 2, backlog: 2, archived: false };

    const list = await asOperator(suite.brokerAt(1).baseUrl, "GET", "/admin/meshes");
    expect(list.status).toBe(200);
    const listed = (list.body.meshes as { slug: string }[]).find((m) => m.slug === mesh.slug);
    expect(listed).toMatchObject(expected);
    const shown = await asOwner(suite.broker.baseUrl, mesh.owner, "GET", `/admin/meshes/${mesh.slug}`);
    expect(shown.body.mesh).toMatchObject(expected);
  });

  test("PATCH renames and sets the profile, with one audit row; the same values change nothing", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMeshOverApi();
    const path = `/admin/meshes/${mesh.slug}`;
    const both = await asOwner(base, mesh.owner, "PATCH", path, { name: "Renamed", profile: "claudemesh" });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ ok: true, changed: true, mesh: { name: "Renamed", profile: "claudemesh" } });
    const same = await asOperator(base, "PATCH", path, { profile: "claudemesh" });
    expect(same.body).toMatchObject({ ok: true, changed: false });
    const back = await asOperator(base, "PATCH", path, { profile: "strict" });
    expect(back.body).toMatchObject({ changed: true, mesh: { name: "Renamed", profile: "strict" } });
    const rows = (await auditRows(suite.sql, mesh.id)).slice(1);
    expect(rows).toEqual([
      {
        event: "mesh_updated",
        actor: `owner:${mesh.owner.publicKey}`,
        target: mesh.id,
        detail: {
          old_name: `Mesh ${mesh.slug}`,
          new_name: "Renamed",
          old_profile: "strict",
          new_profile: "claudemesh",
        },
      },
      {
        event: "mesh_updated",
        actor: "operator",
        target: mesh.id,
        detail: { old_profile: "claudemesh", new_profile: "strict" },
      },
    ]);
  });

  test("archiving closes the mesh's sessions on every instance with 4002, refuses hellos, sends, joins and changes; unarchiving lets them back", async () => {
    const mesh = await createMeshOverApi();
    const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    const other = await createMeshOverApi();
    const bystander = await addMember(suite.sql, other);
    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.brokerAt(1).port, bob);
    await using c = await session(suite.brokerAt(1).port, bystander);
    const path = `/admin/meshes/${mesh.slug}`;

    const archived = await asOwner(suite.broker.baseUrl, mesh.owner, "POST", `${path}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ changed: true, mesh: { archived: true } });
    expect(await a.closed).toEqual({ code: 4002, reason: "mesh_archived" });
    expect(await b.closed).toEqual({ code: 4002, reason: "mesh_archived" });
    // Another mesh's session on the same instance stays.
    c.send(taggedSendTo(bystander, "still here", { id: "alive" }));
    expect((await c.next("ack")).id).toBe("alive");

    // Sends are refused and store nothing; hellos are refused; joins find no mesh.
    expect(await storeSend(alice, bob)).toEqual([{ kind: "sender_ended", reason: "mesh_archived" }]);
    await using refused = await connect(suite.broker.port);
    refused.send(helloFor(alice));
    expect((await refused.next("error")).code).toBe("unauthorized");
    const invite = signedInviteLink(mesh);
    const join = await postJoin(suite.broker.baseUrl, JSON.stringify(joinBody({ ...invite })));
    expect([join.status, join.body.error]).toEqual([404, "mesh_not_found"]);
    const patch = await asOperator(suite.broker.baseUrl, "PATCH", path, { name: "nope" });
    expect([patch.status, patch.body.error]).toEqual([409, "mesh_archived"]);
    const again = await asOperator(suite.broker.baseUrl, "POST", `${path}/archive`);
    expect(again.body).toMatchObject({ changed: false });

    const unarchived = await asOperator(suite.brokerAt(1).baseUrl, "POST", `${path}/unarchive`);
    expect(unarchived.body).toMatchObject({ changed: true, mesh: { archived: false, archivedAt: null } });
    await using back = await session(suite.brokerAt(1).port, alice);
    back.send(taggedSendTo(bob, "after unarchive", { id: "back" }));
    expect((await back.next("ack")).id).toBe("back");

    const events = (await auditRows(suite.sql, mesh.id)).map((r) => [r.event, r.actor]);
    expect(events).toEqual([
      ["mesh_created", "operator"],
      ["mesh_archived", `owner:${mesh.owner.publicKey}`],
      ["mesh_unarchived", "operator"],
    ]);
  });
});
