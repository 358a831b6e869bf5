import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { connect, helloFor, sendFrameTo, session, socketGroup } from "../helpers/ws-client.ts";

const CAP = 3;
const suite = useBrokerSuite({ MAX_CONNECTIONS_PER_MESH: String(CAP), MAX_MESSAGE_BYTES: "8192" });

/** Sends `frame` as the first frame and expects an error with `code`, then close 1008 with `code`. */
async function expectRefusal(frame: unknown, code: string): Promise<void> {
  await using socket = await connect(suite.broker.port);
  socket.send(frame);
  const error = await socket.next("error");
  expect(error.code).toBe(code);
  expect(await socket.closed).toEqual({ code: 1008, reason: code });
}

describe("hello", () => {
  test("hello_ack announces a claudemesh mesh's profile, with the warning that its broadcasts are not encrypted", async () => {
    const mesh = await createMesh(suite.sql, "compat", { profile: "claudemesh" });
    const member = await addMember(suite.sql, mesh);
    await using s = await session(suite.broker.port, member);
    expect(s.ack).toMatchObject({ profile: "claudemesh", notice: expect.stringContaining("NOT encrypted") });
  });

  test("a member's signed hello gets hello_ack, a presence row and a live-session gauge", async () => {
    const mesh = await createMesh(suite.sql);
    const member = await addMember(suite.sql, mesh, { displayName: "alice" });
    const before = (await metricValue(suite.broker.baseUrl, "broker_connections_total")) ?? 0;
    await using s = await session(suite.broker.port, member, { pid: 77, cwd: "/srv/alice", sessionId: "sess-1" });
    expect(s.ack).toEqual({
      type: "hello_ack",
      presenceId: expect.any(String),
      memberDisplayName: "alice",
      hookToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      features: ["ack"],
      profile: "strict",
    });
    const [row] =
      await suite.sql`select member_id, mesh_id, session_id, pid, cwd, status, disconnected_at, hook_token_hash
                            from mesh.presence where id = ${String(s.ack.presenceId)}`;
    expect(row).toMatchObject({ member_id: member.id, mesh_id: mesh.id, session_id: "sess-1", pid: 77 });
    expect(row?.cwd).toBe("/srv/alice");
    expect(row?.status).toBe("idle");
    expect(row?.disconnected_at).toBeNull();
    // Only a hash of the hook token is stored.
    expect(row?.hook_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.hook_token_hash).not.toBe(s.ack.hookToken);
    expect(await metricValue(suite.broker.baseUrl, "broker_connections_active")).toBe(1);
    expect(await metricValue(suite.broker.baseUrl, "broker_connections_total")).toBe(before + 1);

    await s.close();
    const disconnected = await eventually(async () => {
      const [r] =
        await suite.sql`select disconnected_at is not null as gone from mesh.presence where id = ${String(s.ack.presenceId)}`;
      return r?.gone === true;
    }, 15_000);
    expect(disconnected).toBe(true);
    expect(await metricValue(suite.broker.baseUrl, "broker_connections_active")).toBe(0);
  });

  test("each refusal sends its code and closes 1008 with it", async () => {
    const mesh = await createMesh(suite.sql);
    const member = await addMember(suite.sql, mesh);
    const revoked = await addMember(suite.sql, mesh, { revoked: true });
    const otherMesh = await createMesh(suite.sql);
    const stranger = await addMember(suite.sql, otherMesh);

    await expectRefusal("not json", "malformed");
    await expectRefusal({ ...helloFor(member), pubkey: "xyz" }, "malformed");
    await expectRefusal({ type: "list_peers" }, "no_hello");
    await expectRefusal(helloFor(member, { timestamp: Date.now() - 61_000 }), "timestamp_skew");
    await expectRefusal(helloFor(member, { timestamp: Date.now() + 61_000 }), "timestamp_skew");
    await expectRefusal(
      { ...helloFor(member), sessionId: "tampered-after-signing", memberId: stranger.id },
      "bad_signature",
    );
    await expectRefusal(helloFor(revoked), "unauthorized");
    // A valid member of another mesh, claiming this mesh.
    await expectRefusal(helloFor({ ...stranger, meshId: mesh.id }), "unauthorized");

    expect(await metricValue(suite.broker.baseUrl, "broker_connections_rejected_total", 'reason="unauthorized"')).toBe(
      2,
    );
    expect(await metricValue(suite.broker.baseUrl, "broker_connections_rejected_total", 'reason="bad_signature"')).toBe(
      1,
    );
  });

  test("a replayed hello is refused with hello_replayed, even after its session closed; a new hello is fine", async () => {
    const mesh = await createMesh(suite.sql);
    const member = await addMember(suite.sql, mesh);
    const captured = helloFor(member);
    await using first = await connect(suite.broker.port);
    first.send(captured);
    await first.next("hello_ack");
    // Replayed while the original session is live, and again after it closed.
    await expectRefusal(captured, "hello_replayed");
    await first.close();
    await expectRefusal({ ...captured, sessionId: "another-session-id" }, "hello_replayed");
    expect(
      await metricValue(suite.broker.baseUrl, "broker_connections_rejected_total", 'reason="hello_replayed"'),
    ).toBe(2);
    await using again = await session(suite.broker.port, member);
    expect(again.ack.type).toBe("hello_ack");
  });

  test("the mesh's next session past MAX_CONNECTIONS_PER_MESH is refused with capacity", async () => {
    const mesh = await createMesh(suite.sql);
    const members = await Promise.all(Array.from({ length: CAP + 1 }, () => addMember(suite.sql, mesh)));
    await using admitted = socketGroup(
      await Promise.all(members.slice(0, CAP).map((m) => session(suite.broker.port, m))),
    );
    const last = members[CAP];
    if (!last) throw new Error("no member");
    await expectRefusal(helloFor(last), "capacity");
    expect(await metricValue(suite.broker.baseUrl, "broker_connections_rejected_total", 'reason="capacity"')).toBe(1);

    // A closed session frees its place once its presence is marked disconnected.
    await admitted[0]?.close();
    const freed = async () => {
      const [r] = await suite.sql`select disconnected_at is not null as gone from mesh.presence
                                  where id = ${String(admitted[0]?.ack.presenceId)}`;
      return r?.gone === true;
    };
    expect(await eventually(freed, 15_000)).toBe(true);
    await using again = await session(suite.broker.port, last);
    expect(again.ack.type).toBe("hello_ack");
  });

  test("concurrent hellos never admit more than the cap", async () => {
    const mesh = await createMesh(suite.sql);
    const members = await Promise.all(Array.from({ length: CAP * 3 }, () => addMember(suite.sql, mesh)));
    await using sockets = socketGroup(await Promise.all(members.map(() => connect(suite.broker.port))));
    sockets.forEach((s, i) => {
      s.send(helloFor(members[i] as (typeof members)[number]));
    });
    const outcomes = await Promise.all(
      sockets.map((s) => s.next(undefined, (f) => f.type === "hello_ack" || f.type === "error")),
    );
    expect(outcomes.filter((f) => f.type === "hello_ack")).toHaveLength(CAP);
    expect(outcomes.filter((f) => f.type === "error").every((f) => f.code === "capacity")).toBe(true);
    const [live] =
      await suite.sql`select count(*)::int as n from mesh.presence where mesh_id = ${mesh.id} and disconnected_at is null`;
    expect(live?.n).toBe(CAP);
  });
});

describe("frames after hello", () => {
  test("bad frames get stable codes and the session stays open", async () => {
    const mesh = await createMesh(suite.sql);
    await using s = await session(suite.broker.port, await addMember(suite.sql, mesh));
    const send = sendFrameTo("*");
    const cases: [unknown, string][] = [
      ["{", "malformed"],
      [{ type: "warp", _reqId: "r1" }, "unknown_type"],
      [{ type: "set_status", status: "sleeping" }, "bad_status"],
      [{ ...send, priority: "urgent", id: "c1" }, "bad_priority"],
      [{ ...send, nonce: "not base64!" }, "bad_base64"],
      [{ ...send, ciphertext: "" }, "bad_base64"],
      [{ ...send, targetSpec: "f".repeat(64) }, "unknown_recipient"],
      [{ ...send, targetSpec: "bob" }, "unknown_recipient"],
      [{ type: "send" }, "malformed"],
      [helloFor(await addMember(suite.sql, mesh)), "already_authenticated"],
    ];
    for (const [frame, code] of cases) {
      s.send(frame);
      const error = await s.next("error");
      expect({ frame, code: error.code }).toEqual({ frame, code });
    }
    expect(s.all("error")[1]?._reqId).toBe("r1");
    expect(s.all("error")[3]?.id).toBe("c1");
    expect(await metricValue(suite.broker.baseUrl, "broker_messages_rejected_total", 'reason="bad_priority"')).toBe(1);
    expect(
      await metricValue(suite.broker.baseUrl, "broker_messages_rejected_total", 'reason="unknown_recipient"'),
    ).toBe(2);
    s.send({ type: "list_peers", _reqId: 9 });
    expect((await s.next("peers_list"))._reqId).toBe(9);
  });

  test("a frame over MAX_MESSAGE_BYTES closes the session with 1009", async () => {
    const mesh = await createMesh(suite.sql);
    await using s = await session(suite.broker.port, await addMember(suite.sql, mesh));
    s.send(sendFrameTo("*", { ciphertext: "A".repeat(9000) }));
    expect((await s.closed).code).toBe(1009);
  });

  test("list_peers shows the mesh's live sessions, the asking one marked self, with their summaries", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh, { displayName: "alice" });
    const bob = await addMember(suite.sql, mesh, { displayName: "bob" });
    await using a = await session(suite.broker.port, alice, { sessionId: "alice-1", cwd: "/srv/alice" });
    await using b = await session(suite.broker.port, bob, { sessionId: "bob-1", cwd: "/srv/bob" });
    b.send({ type: "set_summary", summary: "refactoring the parser" });
    // set_summary has no answer; frames of one socket are handled in order, so bob's own list shows it.
    b.send({ type: "list_peers", _reqId: "after-summary" });
    await b.next("peers_list");
    a.send({ type: "list_peers", _reqId: "p" });
    const list = await a.next("peers_list");
    const peer = (
      member: typeof alice,
      name: string,
      id: string,
      cwd: string,
      self: boolean,
      summary: string | null,
    ) => ({
      pubkey: member.keys.publicKey,
      memberPubkey: member.keys.publicKey,
      displayName: name,
      status: "idle",
      summary,
      sessionId: id,
      cwd,
      connectedAt: expect.any(String),
      self,
    });
    expect(list.peers).toEqual([
      peer(alice, "alice", "alice-1", "/srv/alice", true, null),
      peer(bob, "bob", "bob-1", "/srv/bob", false, "refactoring the parser"),
    ]);
    // An empty summary clears it; an over-long one is cut to 1000 characters.
    b.send({ type: "set_summary", summary: "x".repeat(1500) });
    b.send({ type: "list_peers", _reqId: "long" });
    const long = (await b.next("peers_list")).peers as { summary: string | null; self: boolean }[];
    expect(long.find((p) => p.self)?.summary).toBe("x".repeat(1000));
    b.send({ type: "set_summary", summary: "" });
    b.send({ type: "list_peers", _reqId: "cleared" });
    const cleared = (await b.next("peers_list")).peers as { summary: string | null; self: boolean }[];
    expect(cleared.find((p) => p.self)?.summary).toBeNull();
    expect(b.all("error")).toEqual([]);
  });

  test("claudemesh's fire-and-forget frames get no answer; an unknown type with _reqId gets unknown_type echoing it", async () => {
    const mesh = await createMesh(suite.sql);
    await using s = await session(suite.broker.port, await addMember(suite.sql, mesh));
    const ignoredBefore = async (reason: string) =>
      (await metricValue(suite.broker.baseUrl, "broker_frames_ignored_total", `reason="${reason}"`)) ?? 0;
    const before = {
      dropped: await ignoredBefore("dropped_type"),
      unknown: await ignoredBefore("unknown_type"),
      foreign: await ignoredBefore("foreign_client_ack"),
    };
    s.send({ type: "set_stats", stats: { messagesIn: 1, messagesOut: 2, toolCalls: 3, errors: 0, uptime: 60 } });
    s.send({ type: "set_visible", visible: true });
    s.send({ type: "join_group", name: "reviewers" });
    s.send({ type: "client_ack", clientMessageId: "c-1", brokerMessageId: "3f1c2d9e-0000-4000-8000-000000000001" });
    s.send({ type: "get_state", key: "k", _reqId: "rpc-1" });
    // The control: frames are handled in order, so once this error arrives the four before it were handled.
    const error = await s.next("error");
    expect(error).toMatchObject({ code: "unknown_type", _reqId: "rpc-1" });
    expect(s.all("error")).toHaveLength(1);
    expect(await ignoredBefore("dropped_type")).toBe(before.dropped + 1);
    expect(await ignoredBefore("unknown_type")).toBe(before.unknown + 2);
    expect(await ignoredBefore("foreign_client_ack")).toBe(before.foreign + 1);
  });
});
