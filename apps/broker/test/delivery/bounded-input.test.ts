import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { rawHelloClient } from "../helpers/raw-ws-client.ts";
import { connect, helloFor, sendFrameTo, session } from "../helpers/ws-client.ts";

/*
 * Bounded everything (issue 6): a socket that never says hello, a sender
 * over its rate, a mesh at its queue cap and a consumer that stops reading
 * each meet a clear limit; nothing is queued silently and nothing is lost.
 */
const suite = useBrokerSuite(
  { HELLO_TIMEOUT_MS: "300", SEND_RATE_LIMIT_PER_SEC: "5" },
  { MESH_QUEUE_CAP: "3", SWEEP_INTERVAL_MS: "200" },
  { WS_BACKPRESSURE_LIMIT_BYTES: "1048576", MAX_MESSAGE_BYTES: "131072", WS_PING_INTERVAL_MS: "500" },
);

describe("bounds", () => {
  test("a socket that never says hello gets hello_timeout and close 1008", async () => {
    await using ws = await connect(suite.broker.port);
    const error = await ws.next("error");
    expect(error).toMatchObject({ code: "hello_timeout" });
    expect(await ws.closed).toEqual({ code: 1008, reason: "hello_timeout" });
    expect(
      await metricValue(suite.broker.baseUrl, "broker_connections_rejected_total", 'reason="hello_timeout"'),
    ).toBeGreaterThan(0);
  });

  test("a sender over SEND_RATE_LIMIT_PER_SEC gets rate_limited for each refused send, which is not queued", async () => {
    const mesh = await createMesh(suite.sql);
    const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    await using a = await session(suite.broker.port, alice);
    const ids = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    for (const id of ids) a.send(sendFrameTo(bob, { id }));
    const answers = await Promise.all(
      ids.map((id) => a.next(undefined, (f) => (f.type === "ack" || f.type === "error") && f.id === id)),
    );
    const acked = answers.filter((f) => f.type === "ack").map((f) => f.id);
    const limited = answers.filter((f) => f.type === "error" && f.code === "rate_limited").map((f) => f.id);
    // A burst of twice the per-second rate passes; the rest is refused, none silently.
    expect(acked.length).toBeGreaterThanOrEqual(10);
    expect(acked.length).toBeLessThan(20);
    expect(acked.length + limited.length).toBe(20);
    const [stored] = await suite.sql<{ n: number }[]>`
      select count(*)::int as n from mesh.message_queue where sender_member_id = ${alice.id}`;
    expect(stored?.n).toBe(acked.length);
  });

  test("a mesh at MESH_QUEUE_CAP refuses sends with queue_full until its queue drains", async () => {
    const broker = suite.brokerAt(1);
    const mesh = await createMesh(suite.sql);
    const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    await using a = await session(broker.port, alice);
    for (let i = 0; i < 3; i++) {
      a.send(sendFrameTo(bob, { id: `cap-${i}` }));
      expect(await a.next("ack", (f) => f.id === `cap-${i}`)).toBeDefined();
    }
    a.send(sendFrameTo(bob, { id: "cap-over" }));
    expect(await a.next("error", (f) => f.id === "cap-over")).toMatchObject({ code: "queue_full" });

    // Bob comes online and takes the three; after the next sweep the mesh has room again.
    await using b = await session(broker.port, bob);
    for (let i = 0; i < 3; i++) await b.next("push");
    const accepted = await eventually(async () => {
      const id = `cap-after-${Date.now()}`;
      a.send(sendFrameTo(bob, { id }));
      const answer = await a.next(undefined, (f) => f.id === id);
      return answer.type === "ack";
    }, 20_000);
    expect(accepted).toBe(true);
  });

  test("a consumer that stops reading gets no more than the backpressure limit buffered, is dropped, and gets everything on reconnect", async () => {
    const broker = suite.brokerAt(2);
    const mesh = await createMesh(suite.sql);
    const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    const stalled = await rawHelloClient(broker.port, helloFor(bob, { features: ["ack"] }), { reads: false });
    await using a = await session(broker.port, alice);
    const admitted = await eventually(async () => {
      const [row] = await suite.sql<{ n: number }[]>`
        select count(*)::int as n from mesh.presence where member_id = ${bob.id} and disconnected_at is null`;
      return row?.n === 1;
    }, 15_000);
    expect(admitted).toBe(true);

    // About 16 MB of pushes: more than the kernel's socket buffers and the 1 MiB limit.
    const big = Buffer.alloc(60_000, 7).toString("base64");
    const count = 200;
    for (let i = 0; i < count; i++) a.send(sendFrameTo(bob, { id: `big-${i}`, ciphertext: big }));
    for (let i = 0; i < count; i++) await a.next("ack", (f) => f.id === `big-${i}`, 10_000);

    const disconnected = await eventually(async () => {
      const [row] = await suite.sql<{ n: number }[]>`
        select count(*)::int as n from mesh.presence where member_id = ${bob.id} and disconnected_at is null`;
      return row?.n === 0;
    }, 10_000);
    expect(disconnected).toBe(true);
    stalled.socket.destroy();
    // Others are still served.
    const [other] = [await addMember(suite.sql, mesh)];
    await using o = await session(broker.port, other);
    a.send(sendFrameTo(other, { id: "still-served" }));
    expect((await o.next("push")).type).toBe("push");

    // Nothing was lost: bob reconnects as a reading client and gets all of them.
    await using b = await session(broker.port, bob, { features: ["ack"] });
    const seen = new Set<string>();
    while (seen.size < count) {
      const push = await b.next("push", undefined, 10_000);
      seen.add(String(push.messageId));
      b.send({ type: "client_ack", brokerMessageId: push.brokerMessageId });
    }
    expect(seen.size).toBe(count);
  });
});
