import { describe, expect, test } from "bun:test";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { connect, helloFor, session, taggedSendTo } from "../helpers/ws-client.ts";
import { asOperator, asOwner, auditRows, OPERATOR_ENV } from "./admin-requests.ts";

// Two instances on one database; the sweep interval is a minute, so only the notifications close sessions in time.
const env = { ...OPERATOR_ENV, SWEEP_INTERVAL_MS: "60000" };
const suite = useBrokerSuite(env, env);

type Row = Record<string, unknown>;
const byId = (rows: unknown, id: string): Row | undefined => (rows as Row[]).find((r) => r.id === id);

describe("members over the admin API", () => {
  test("the list shows each member's name, key, role, sessions, waiting envelopes and revocation", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh, { displayName: "alice", role: "admin" });
    const bob = await addMember(suite.sql, mesh, { displayName: "bob" });
    const gone = await addMember(suite.sql, mesh, { displayName: "gone", revoked: true });
    await using a = await session(suite.broker.port, alice);
    await using _second = await session(suite.brokerAt(1).port, alice);
    a.send(taggedSendTo(bob, "waits for bob", { id: "w1" }));
    expect((await a.next("ack")).id).toBe("w1");

    const res = await asOwner(suite.brokerAt(1).baseUrl, mesh.owner, "GET", `/admin/meshes/${mesh.slug}/members`);
    expect(res.status).toBe(200);
    const members = res.body.members as Row[];
    expect(members.map((m) => m.name)).toEqual(["alice", "bob", "gone"]);
    expect(byId(members, alice.id)).toMatchObject({
      pubkey: alice.keys.publicKey,
      role: "admin",
      liveSessions: 2,
      undelivered: 0,
      revoked: false,
      revokedAt: null,
    });
    expect(byId(members, alice.id)?.lastSeenAt).toBeString();
    expect(byId(members, bob.id)).toMatchObject({ role: "member", liveSessions: 0, undelivered: 1, lastSeenAt: null });
    expect(byId(members, gone.id)).toMatchObject({ revoked: true, liveSessions: 0 });
  });

  test("rename: names stay unique per mesh ignoring case (409 name_taken); an unknown member is 404", async () => {
    const base = suite.broker.baseUrl;
    const mesh = await createMesh(suite.sql);
    await addMember(suite.sql, mesh, { displayName: "alice" });
    const bob = await addMember(suite.sql, mesh, { displayName: "bob" });
    const path = `/admin/meshes/${mesh.slug}/members`;
    const renamed = await asOwner(base, mesh.owner, "PATCH", `${path}/${bob.id}`, { name: "  robert " });
    expect(renamed.body).toMatchObject({ ok: true, changed: true, member: { id: bob.id, name: "robert" } });
    const taken = await asOperator(base, "PATCH", `${path}/${bob.id}`, { name: "ALICE" });
    expect([taken.status, taken.body.error]).toEqual([409, "name_taken"]);
    const same = await asOperator(base, "PATCH", `${path}/${bob.id}`, { name: "robert" });
    expect(same.body).toMatchObject({ changed: false });
    const unknown = await asOperator(base, "PATCH", `${path}/no-such-member`, { name: "x" });
    expect([unknown.status, unknown.body.error]).toEqual([404, "member_not_found"]);
    // Another mesh's member is not this mesh's.
    const elsewhere = await addMember(suite.sql, await createMesh(suite.sql));
    const foreign = await asOperator(base, "PATCH", `${path}/${elsewhere.id}`, { name: "x" });
    expect([foreign.status, foreign.body.error]).toEqual([404, "member_not_found"]);
    expect(await auditRows(suite.sql, mesh.id)).toEqual([
      {
        event: "member_renamed",
        actor: `owner:${mesh.owner.publicKey}`,
        target: bob.id,
        detail: { old: "bob", new: "robert" },
      },
    ]);
  });

  test("revoking a member closes its session on another instance with 4002 and retires its queued envelopes both ways; restore lets it back", async () => {
    const mesh = await createMesh(suite.sql);
    const [victim, alice, carol] = [
      await addMember(suite.sql, mesh, { displayName: "victim" }),
      await addMember(suite.sql, mesh, { displayName: "alice" }),
      await addMember(suite.sql, mesh, { displayName: "carol" }),
    ];
    // The victim's session lives on instance 1; the revocation is asked of instance 0.
    await using v = await session(suite.brokerAt(1).port, victim);
    await using a = await session(suite.broker.port, alice);
    // dnd holds what is not `now`: an envelope to the victim waits, and one from it waits for offline carol.
    v.send({ type: "set_status", status: "dnd", _reqId: "dnd" });
    expect((await v.next("status", (f) => f._reqId === "dnd")).status).toBe("dnd");
    a.send(taggedSendTo(victim, "held for the victim", { id: "to-victim", priority: "next" }));
    expect((await a.next("ack")).id).toBe("to-victim");
    v.send(taggedSendTo(carol, "from the victim", { id: "from-victim" }));
    expect((await v.next("ack")).id).toBe("from-victim");
    a.send(taggedSendTo(carol, "from alice", { id: "from-alice" }));
    expect((await a.next("ack")).id).toBe("from-alice");

    const path = `/admin/meshes/${mesh.slug}/members/${victim.id}`;
    const revoked = await asOwner(suite.broker.baseUrl, mesh.owner, "POST", `${path}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ changed: true, retired: 2, member: { revoked: true, undelivered: 0 } });
    expect(await v.closed).toEqual({ code: 4002, reason: "member_revoked" });
    // Alice's session stays open.
    a.send({ type: "list_peers", _reqId: "after" });
    expect((await a.next("peers_list"))._reqId).toBe("after");

    const rows = await suite.sql<{ tag: string; retired: boolean }[]>`
      select convert_from(decode(e.ciphertext, 'base64'), 'UTF8') as tag, q.expires_at <= now() as retired
      from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
      where q.mesh_id = ${mesh.id} order by q.id`;
    expect([...rows]).toEqual([
      { tag: "held for the victim", retired: true },
      { tag: "from the victim", retired: true },
      { tag: "from alice", retired: false },
    ]);
    const again = await asOperator(suite.broker.baseUrl, "POST", `${path}/revoke`);
    expect(again.body).toMatchObject({ changed: false, retired: 0 });

    await using refused = await connect(suite.broker.port);
    refused.send(helloFor(victim));
    expect((await refused.next("error")).code).toBe("unauthorized");

    const restored = await asOperator(suite.brokerAt(1).baseUrl, "POST", `${path}/restore`);
    expect(restored.body).toMatchObject({ changed: true, member: { revoked: false, revokedAt: null, undelivered: 0 } });
    await using back = await session(suite.broker.port, victim);
    back.send(taggedSendTo(alice, "back again", { id: "back" }));
    expect((await back.next("ack")).id).toBe("back");

    expect((await auditRows(suite.sql, mesh.id)).map((r) => [r.event, r.target, r.detail])).toEqual([
      ["member_revoked", victim.id, { retired: 2 }],
      ["member_restored", victim.id, null],
    ]);
  });

  test("restoring a member whose name another member took meanwhile is 409 name_taken", async () => {
    const mesh = await createMesh(suite.sql);
    const dave = await addMember(suite.sql, mesh, { displayName: "dave" });
    const path = `/admin/meshes/${mesh.slug}/members/${dave.id}`;
    expect((await asOperator(suite.broker.baseUrl, "POST", `${path}/revoke`)).status).toBe(200);
    await addMember(suite.sql, mesh, { displayName: "Dave" });
    const restore = await asOperator(suite.broker.baseUrl, "POST", `${path}/restore`);
    expect([restore.status, restore.body.error]).toEqual([409, "name_taken"]);
    const [row] = await suite.sql`select revoked_at is not null as revoked from mesh.member where id = ${dave.id}`;
    expect(row?.revoked).toBe(true);
  });
});

describe("sessions over the admin API", () => {
  test("the list shows live sessions on every instance; a kick closes exactly that one with 4003, and it may reconnect", async () => {
    const mesh = await createMesh(suite.sql);
    const [alice, bob] = [
      await addMember(suite.sql, mesh, { displayName: "alice" }),
      await addMember(suite.sql, mesh, { displayName: "bob" }),
    ];
    await using a0 = await session(suite.broker.port, alice);
    await using a1 = await session(suite.brokerAt(1).port, alice);
    await using b1 = await session(suite.brokerAt(1).port, bob);
    const path = `/admin/meshes/${mesh.slug}/sessions`;

    const list = await asOwner(suite.broker.baseUrl, mesh.owner, "GET", path);
    expect(list.status).toBe(200);
    const sessions = list.body.sessions as Row[];
    const instances = [await suite.broker.instanceId(), await suite.brokerAt(1).instanceId()];
    expect(sessions.map((s) => [s.presenceId, s.memberName, s.instanceId])).toEqual([
      [a0.ack.presenceId, "alice", instances[0]],
      [a1.ack.presenceId, "alice", instances[1]],
      [b1.ack.presenceId, "bob", instances[1]],
    ]);
    expect(sessions[0]).toMatchObject({ memberId: alice.id, status: "idle", statusSource: "heartbeat" });
    expect(sessions[0]?.connectedSeconds).toBeNumber();

    // Asked of instance 0, the session lives on instance 1.
    const kicked = await asOwner(suite.broker.baseUrl, mesh.owner, "POST", `${path}/${a1.ack.presenceId}/kick`);
    expect(kicked.status).toBe(200);
    expect(kicked.body.session).toMatchObject({ presenceId: a1.ack.presenceId, instanceId: instances[1] });
    expect(await a1.closed).toEqual({ code: 4003, reason: "session_kicked" });
    // Exactly that one: alice's other session and bob's, on the same instance, still answer.
    for (const [socket, tag] of [
      [a0, "a0"],
      [b1, "b1"],
    ] as const) {
      socket.send({ type: "list_peers", _reqId: tag });
      expect((await socket.next("peers_list"))._reqId).toBe(tag);
    }
    // The member is not revoked: it may reconnect at once.
    await using again = await session(suite.brokerAt(1).port, alice);
    expect(again.ack.type).toBe("hello_ack");

    const gone = await asOperator(suite.broker.baseUrl, "POST", `${path}/${a1.ack.presenceId}/kick`);
    expect([gone.status, gone.body.error]).toEqual([404, "session_not_found"]);
    const other = await createMesh(suite.sql);
    const foreign = await asOwner(
      suite.broker.baseUrl,
      other.owner,
      "POST",
      `/admin/meshes/${other.slug}/sessions/${b1.ack.presenceId}/kick`,
    );
    expect([foreign.status, foreign.body.error]).toEqual([404, "session_not_found"]);

    expect(await auditRows(suite.sql, mesh.id)).toEqual([
      {
        event: "session_kicked",
        actor: `owner:${mesh.owner.publicKey}`,
        target: String(a1.ack.presenceId),
        detail: { member_id: alice.id, instance_id: instances[1] },
      },
    ]);
  });
});
