import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { pushesUpToControl, session, type TestSocket, taggedSendTo, tagOf } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({ SWEEP_INTERVAL_MS: "200" });

/** A tagged send frame of this priority (and client id). */
const envelope = (to: TestMember | "*", priority: "now" | "next" | "low", tag: string, id?: string) =>
  taggedSendTo(to, tag, { priority, ...(id ? { id } : {}) });

/** Sends and waits for the ack of this send. */
async function sendAndAck(s: TestSocket, frame: ReturnType<typeof envelope>) {
  const id = typeof frame.id === "string" ? frame.id : randomUUID();
  s.send({ ...frame, id });
  return s.next(undefined, (f) => (f.type === "ack" || f.type === "error") && f.id === id);
}

/** Sets a session's status with set_status and waits for the answer. */
async function setStatus(s: TestSocket, status: "idle" | "working" | "dnd") {
  s.send({ type: "set_status", status });
  const answer = await s.next("status");
  expect(answer.status).toBe(status);
}

/** A new mesh with two members, alice and bob, each holding one session; `await using` closes both. */
async function twoAgents() {
  const mesh = await createMesh(suite.sql);
  const alice = await addMember(suite.sql, mesh);
  const bob = await addMember(suite.sql, mesh);
  const a = await session(suite.broker.port, alice);
  const b = await session(suite.broker.port, bob);
  return {
    mesh,
    alice,
    bob,
    a,
    b,
    [Symbol.asyncDispose]: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  };
}

/** Undelivered, unexpired envelopes in the database (what `broker_queue_depth` counts), in `meshId` and elsewhere. */
async function undelivered(meshId: string): Promise<{ mine: number; others: number }> {
  const [row] = await suite.sql<{ mine: number; others: number }[]>`
    select count(*) filter (where mesh_id = ${meshId})::int as mine,
           count(*) filter (where mesh_id <> ${meshId})::int as others
    from mesh.message_queue where delivered_at is null and (expires_at is null or expires_at > now())`;
  return { mine: row?.mine ?? -1, others: row?.others ?? -1 };
}

describe("delivery", () => {
  test("a direct envelope is acked after commit and pushed to the recipient", async () => {
    await using agents = await twoAgents();
    const { mesh, alice, bob, a, b } = agents;
    const routedBefore =
      (await metricValue(suite.broker.baseUrl, "broker_messages_routed_total", 'priority="now"')) ?? 0;

    const ack = await sendAndAck(a, envelope(bob, "now", "hello bob", "first"));
    expect(ack).toMatchObject({ type: "ack", id: "first", queued: true, recipients: 1 });
    const [row] = await suite.sql`select recipient_member_id, sender_member_id, priority from mesh.message_queue
                            where message_id = ${String(ack.messageId)}`;
    expect(row).toMatchObject({ recipient_member_id: bob.id, sender_member_id: alice.id, priority: "now" });

    const push = await b.next("push");
    expect(push).toMatchObject({
      type: "push",
      messageId: ack.messageId,
      meshId: mesh.id,
      senderPubkey: alice.keys.publicKey,
      priority: "now",
      brokerMessageId: expect.stringMatching(/^\d+$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(tagOf(push)).toBe("hello bob");
    expect(await metricValue(suite.broker.baseUrl, "broker_messages_routed_total", 'priority="now"')).toBe(
      routedBefore + 1,
    );
    // The sender got no copy: its own push path is live (a control from bob arrived), and nothing else did.
    expect(await pushesUpToControl(b, a, alice)).toEqual([]);
  });

  test("a broadcast reaches every other member, offline ones on their next hello, never the sender", async () => {
    const mesh = await createMesh(suite.sql);
    const [alice, bob, carol] = await Promise.all([
      addMember(suite.sql, mesh),
      addMember(suite.sql, mesh),
      addMember(suite.sql, mesh),
    ]);
    if (!alice || !bob || !carol) throw new Error("members");
    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.broker.port, bob);
    const ack = await sendAndAck(a, envelope("*", "now", "to all"));
    expect(ack.recipients).toBe(2);
    expect(tagOf(await b.next("push"))).toBe("to all");

    await using c = await session(suite.broker.port, carol);
    const late = await c.next("push");
    expect(tagOf(late)).toBe("to all");
    expect(late.messageId).toBe(ack.messageId);
    expect(await pushesUpToControl(b, a, alice)).toEqual([]);
  });

  test("working and dnd hold next and low; idle releases them oldest first", async () => {
    await using agents = await twoAgents();
    const { bob, a, b } = agents;
    await setStatus(b, "working");

    await sendAndAck(a, envelope(bob, "next", "n1"));
    await sendAndAck(a, envelope(bob, "low", "l1"));
    await sendAndAck(a, envelope(bob, "now", "urgent"));
    await sendAndAck(a, envelope(bob, "next", "n2"));
    expect(tagOf(await b.next("push"))).toBe("urgent");
    // A `now` control sent after all four arrives; the held ones still have not.
    expect((await pushesUpToControl(a, b, bob)).map(tagOf)).toEqual(["urgent"]);

    await setStatus(b, "dnd");
    await sendAndAck(a, envelope(bob, "low", "l2"));
    expect((await pushesUpToControl(a, b, bob)).map(tagOf)).toEqual(["urgent"]);

    await setStatus(b, "idle");
    const released = [];
    for (let i = 0; i < 4; i++) released.push(await b.next("push"));
    expect(released.map(tagOf)).toEqual(["n1", "l1", "n2", "l2"]);
  });

  test("a held envelope waits in Postgres across a reconnect", async () => {
    await using agents = await twoAgents();
    const { bob, a, b } = agents;
    await setStatus(b, "working");
    await sendAndAck(a, envelope(bob, "low", "later"));
    await b.close();
    // A new session starts idle, so the held envelope flows at once.
    await using again = await session(suite.broker.port, bob);
    expect(tagOf(await again.next("push"))).toBe("later");
  });

  test("every session of a member receives the envelope, each by its own status", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    await using a = await session(suite.broker.port, alice);
    await using b1 = await session(suite.broker.port, bob);
    await using b2 = await session(suite.broker.port, bob);
    await sendAndAck(a, envelope(bob, "now", "both"));
    expect(tagOf(await b1.next("push"))).toBe("both");
    expect(tagOf(await b2.next("push"))).toBe("both");
  });

  test("per-sender order holds under a burst, with nothing lost or doubled", async () => {
    await using agents = await twoAgents();
    const { bob, a, b } = agents;
    const n = 300;
    for (let i = 0; i < n; i++) a.send({ ...envelope(bob, "now", `m${i}`), id: `burst-${i}` });
    const acks = await Promise.all(Array.from({ length: n }, (_, i) => a.next("ack", (f) => f.id === `burst-${i}`)));
    expect(new Set(acks.map((f) => f.messageId)).size).toBe(n);
    const pushes = [];
    for (let i = 0; i < n; i++) pushes.push(await b.next("push"));
    expect(pushes.map(tagOf)).toEqual(Array.from({ length: n }, (_, i) => `m${i}`));
    // No second copy of any of them arrived before a control sent after the burst.
    expect(await pushesUpToControl(a, b, bob)).toHaveLength(n);
  });

  test("a retried send id is acknowledged with the original messageId and queued once", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    await using a = await session(suite.broker.port, alice);
    const first = await sendAndAck(a, envelope(bob, "next", "once", "retry-me"));
    const second = await sendAndAck(a, envelope(bob, "next", "once", "retry-me"));
    expect(second).toMatchObject({ type: "ack", messageId: first.messageId, duplicate: true });
    const [count] =
      await suite.sql`select count(*)::int as n from mesh.message_queue where sender_member_id = ${alice.id}`;
    expect(count?.n).toBe(1);
  });

  test("an expired envelope is never pushed", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    await using a = await session(suite.broker.port, alice);
    const stale = await sendAndAck(a, { ...envelope(bob, "now", "stale"), ttlSeconds: 1 });
    await sendAndAck(a, envelope(bob, "now", "fresh"));
    // By the database's clock, which is the one the broker judges expiry by; the retention sweep
    // may already have deleted the expired row.
    const expired = async () => {
      const [row] = await suite.sql`select count(*)::int as live from mesh.message_queue
                                    where message_id = ${String(stale.messageId)} and expires_at > now()`;
      return row?.live === 0;
    };
    expect(await eventually(expired, 15_000)).toBe(true);
    await using b = await session(suite.broker.port, bob);
    expect(tagOf(await b.next("push"))).toBe("fresh");
    expect((await pushesUpToControl(a, b, bob)).map(tagOf)).toEqual(["fresh"]);
  });

  test("an ack session's envelope stays leased until client_ack, and comes back after a reconnect", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.broker.port, bob, { features: ["ack"] });
    await sendAndAck(a, envelope(bob, "now", "confirm me"));
    const first = await b.next("push");
    await b.close();
    await using again = await session(suite.broker.port, bob, { features: ["ack"] });
    const redelivered = await again.next("push");
    expect(redelivered.messageId).toBe(first.messageId);
    again.send({ type: "client_ack", brokerMessageId: redelivered.brokerMessageId });
    const acked = async () => {
      const [r] = await suite.sql`select delivered_at is not null as done from mesh.message_queue
                            where id = ${String(redelivered.brokerMessageId)}::bigint`;
      return r?.done === true;
    };
    expect(await eventually(acked, 15_000)).toBe(true);
    again.send({ type: "client_ack", brokerMessageId: "999999999" });
    expect((await again.next("error")).code).toBe("unknown_message");
  });

  test("broker_queue_depth follows held envelopes", async () => {
    await using agents = await twoAgents();
    const { mesh, bob, a, b } = agents;
    // The gauge is refreshed by a sweep and counts every mesh: wait until it equals the database's
    // count with this mesh holding `mine`, rather than trusting a reading taken before a sweep.
    const gaugeShows = (mine: number) =>
      eventually(async () => {
        const db = await undelivered(mesh.id);
        const gauge = await metricValue(suite.broker.baseUrl, "broker_queue_depth");
        return db.mine === mine && gauge === db.others + mine;
      }, 15_000);
    await setStatus(b, "working");
    expect(await gaugeShows(0)).toBe(true);
    for (let i = 0; i < 3; i++) await sendAndAck(a, envelope(bob, "low", `d${i}`));
    expect(await gaugeShows(3)).toBe(true);
    await setStatus(b, "idle");
    for (let i = 0; i < 3; i++) await b.next("push");
    expect(await gaugeShows(0)).toBe(true);
  });
});
