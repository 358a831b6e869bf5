import { describe, expect, test } from "bun:test";
import type { Priority } from "@mesh/shared";
import { type BrokerProcess, eventually, startBrokerProcess } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { insertQueueRows } from "../helpers/envelopes.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import {
  connect,
  type Frame,
  helloFor,
  pushesUpToControl,
  sendAndAck,
  session,
  socketGroup,
  taggedSendTo,
  tagOf,
} from "../helpers/ws-client.ts";

const CAP = 6;
const HEARTBEAT_MS = 300;
const TIMEOUT_MS = 2000;
/**
 * Three instances whose repair drain runs only every minute: what arrives
 * within a few seconds arrived through a wake-up. The fourth repairs every
 * half second, for the lost-notification tests.
 */
const SHARED = {
  MAX_CONNECTIONS_PER_MESH: String(CAP),
  INSTANCE_HEARTBEAT_MS: String(HEARTBEAT_MS),
  INSTANCE_TIMEOUT_MS: String(TIMEOUT_MS),
};
const SLOW_REPAIR = { ...SHARED, SWEEP_INTERVAL_MS: "60000" };
const suite = useBrokerSuite(SLOW_REPAIR, SLOW_REPAIR, SLOW_REPAIR, { ...SHARED, SWEEP_INTERVAL_MS: "500" });
const A = () => suite.brokerAt(0);
const B = () => suite.brokerAt(1);
const C = () => suite.brokerAt(2);
const REPAIRING = () => suite.brokerAt(3);

/** Well under the minute-long repair interval, yet generous on a loaded machine: only a wake-up delivers this fast. */
const WAKE_DEADLINE_MS = 15_000;
/** The fourth instance's repair drain runs every half second; this leaves it many rounds. */
const REPAIR_DEADLINE_MS = 15_000;

async function mesh(n: number): Promise<TestMember[]> {
  const m = await createMesh(suite.sql);
  return Promise.all(Array.from({ length: n }, () => addMember(suite.sql, m)));
}

async function presenceGone(presenceId: unknown): Promise<boolean> {
  const [r] = await suite.sql`select disconnected_at is not null as gone from mesh.presence
                              where id = ${String(presenceId)}`;
  return r?.gone === true;
}

/** Queues an envelope behind every broker's back: no NOTIFY at all, so only a repair drain finds it. */
async function unannounced(to: TestMember, from: TestMember, messageId: string, priority: Priority, tag: string) {
  await insertQueueRows(suite.sql, [
    { messageId, from, to, priority, nonce: "AAAA", ciphertext: Buffer.from(tag).toString("base64") },
  ]);
}

describe("delivery across instances", () => {
  test("direct and broadcast envelopes reach sessions on other instances through wake-ups", async () => {
    const [alice, bob, carol] = (await mesh(3)) as [TestMember, TestMember, TestMember];
    await using a = await session(A().port, alice);
    await using b = await session(B().port, bob);
    await using c = await session(C().port, carol);

    const sentAt = Date.now();
    expect(await sendAndAck(a, taggedSendTo(bob, "a→b", { id: "direct" }))).toMatchObject({ type: "ack" });
    expect(tagOf(await b.next("push", undefined, WAKE_DEADLINE_MS))).toBe("a→b");
    expect(Date.now() - sentAt).toBeLessThan(WAKE_DEADLINE_MS);

    expect(await sendAndAck(c, taggedSendTo("*", "c→all", { id: "broadcast" }))).toMatchObject({ recipients: 2 });
    const [toA, toB] = await Promise.all([a.next("push"), b.next("push")]);
    expect([tagOf(toA), tagOf(toB)]).toEqual(["c→all", "c→all"]);
    expect(toA.senderPubkey).toBe(carol.keys.publicKey);
    // The sender got no copy: a control from alice on A reaches carol on C, and nothing before it did.
    expect(await pushesUpToControl(a, c, carol)).toEqual([]);
    expect(await metricValue(B().baseUrl, "broker_wake_notifications_received_total")).toBeGreaterThan(0);
  });

  test("list_peers shows the mesh's sessions on every instance", async () => {
    const [alice, bob, carol] = (await mesh(3)) as [TestMember, TestMember, TestMember];
    await using a = await session(A().port, alice);
    await using _b = await session(B().port, bob);
    await using _c = await session(C().port, carol);
    a.send({ type: "list_peers", _reqId: "who" });
    const list = await a.next("peers_list");
    const peers = (list.peers as { pubkey: string }[]).map((p) => p.pubkey).sort();
    expect(peers).toEqual([alice.keys.publicKey, bob.keys.publicKey, carol.keys.publicKey].sort());
  });

  test("a hook that lands on one instance releases what a session on another instance held", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    await using a = await session(A().port, alice);
    await using b = await session(B().port, bob, { cwd: "/srv/multi/bob", pid: 7001 });
    const token = String(b.ack.hookToken);
    const hook = async (on: BrokerProcess, status: "working" | "idle") =>
      fetch(`${on.baseUrl}/hook/set-status`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ cwd: "/srv/multi/bob", pid: 7001, status }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));

    expect(await hook(A(), "working")).toMatchObject({ status: 200, body: { applied: true, status: "working" } });
    await sendAndAck(a, taggedSendTo(bob, "held for bob", { id: "held", priority: "next" }));
    // Held: a `now` control from A reaches bob on B through a wake-up, and the held one does not.
    expect(await pushesUpToControl(a, b, bob)).toEqual([]);

    const releasedAt = Date.now();
    expect(await hook(C(), "idle")).toMatchObject({ status: 200, body: { applied: true, status: "idle" } });
    expect(tagOf(await b.next("push", undefined, WAKE_DEADLINE_MS))).toBe("held for bob");
    expect(Date.now() - releasedAt).toBeLessThan(WAKE_DEADLINE_MS);
    // Both changes, made on other instances, were announced to the session on B.
    expect(b.all("status").map((f) => [f.status, f.source])).toEqual([
      ["working", "hook"],
      ["idle", "hook"],
    ]);
  });
});

describe("mesh-wide facts", () => {
  test("the connection cap counts sessions on every instance, even when hellos race on all of them", async () => {
    const members = await mesh(CAP * 2);
    const brokers = [A(), B(), C()];
    await using sockets = socketGroup(
      await Promise.all(members.map((_, i) => connect((brokers[i % 3] as BrokerProcess).port))),
    );
    for (const [i, s] of sockets.entries()) s.send(helloFor(members[i] as TestMember));
    const answers = await Promise.all(
      sockets.map((s) => s.next(undefined, (f) => f.type === "hello_ack" || f.type === "error", 10_000)),
    );
    const admitted = answers.filter((f) => f.type === "hello_ack").length;
    const refused = answers.filter((f) => f.type === "error" && f.code === "capacity").length;
    expect({ admitted, refused }).toEqual({ admitted: CAP, refused: CAP });
    const [live] = await suite.sql`select count(*)::int as n from mesh.presence
                                   where mesh_id = ${members[0]?.meshId ?? ""} and disconnected_at is null`;
    expect(live?.n).toBe(CAP);
  });

  test("a hello accepted by one instance is refused as a replay by every other", async () => {
    const [alice] = (await mesh(1)) as [TestMember];
    const captured = helloFor(alice);
    await using original = await connect(A().port);
    original.send(captured);
    await original.next("hello_ack");
    for (const other of [B(), C()]) {
      await using replay = await connect(other.port);
      replay.send(captured);
      expect((await replay.next("error")).code).toBe("hello_replayed");
      expect(await replay.closed).toEqual({ code: 1008, reason: "hello_replayed" });
    }
  });
});

describe("instance failure", () => {
  test("SIGKILL of an instance: survivors reap its sessions, its client gets every un-acked envelope elsewhere, once", async () => {
    await using doomed = await startBrokerProcess({ DATABASE_URL: suite.database.url, ...SLOW_REPAIR });
    const [sender, reader] = (await mesh(2)) as [TestMember, TestMember];
    await using s = await session(A().port, sender);
    await using r = await session(doomed.port, reader, { features: ["ack"] });

    for (let i = 0; i < 5; i++) await sendAndAck(s, taggedSendTo(reader, `before-${i}`, { id: `before-${i}` }));
    const pushed: Frame[] = [];
    for (let i = 0; i < 5; i++) pushed.push(await r.next("push"));
    // The application handled the first two and said so; the other three were in its hands unacknowledged.
    for (const p of pushed.slice(0, 2)) r.send({ type: "client_ack", brokerMessageId: p.brokerMessageId });
    const acked = async () => {
      const [row] = await suite.sql`select count(*)::int as n from mesh.message_queue
                                    where recipient_member_id = ${reader.id} and delivered_at is not null`;
      return row?.n === 2;
    };
    expect(await eventually(acked, 15_000)).toBe(true);

    const killedAt = Date.now();
    expect(await doomed.stop("SIGKILL")).not.toBe(0);
    await r.closed;
    for (let i = 0; i < 3; i++) await sendAndAck(s, taggedSendTo(reader, `after-${i}`, { id: `after-${i}` }));
    expect(await eventually(() => presenceGone(r.ack.presenceId), TIMEOUT_MS + 4 * HEARTBEAT_MS + 3000)).toBe(true);
    const reapedAfterMs = Date.now() - killedAt;
    expect(reapedAfterMs).toBeLessThan(TIMEOUT_MS + 4 * HEARTBEAT_MS + 3000);
    // The reaper logs after its commit; its stderr may reach us a moment after the presence row changed.
    await Promise.any([A(), B(), C(), REPAIRING()].map((b) => b.waitForLog("silent broker instances reaped", 10_000)));

    // The client reconnects to another instance: the leases were released, so nothing waits for them to run out.
    await using again = await session(B().port, reader, { features: ["ack"] });
    const redelivered: Frame[] = [];
    for (let i = 0; i < 6; i++) redelivered.push(await again.next("push", undefined, WAKE_DEADLINE_MS));
    expect(redelivered.map(tagOf).sort()).toEqual(
      ["before-2", "before-3", "before-4", "after-0", "after-1", "after-2"].sort(),
    );
    for (const p of redelivered) again.send({ type: "client_ack", brokerMessageId: p.brokerMessageId });
    const allDelivered = async () => {
      const [row] = await suite.sql`select count(*)::int as n, count(delivered_at)::int as done
                                    from mesh.message_queue where recipient_member_id = ${reader.id}`;
      return row?.n === 8 && row?.done === 8;
    };
    expect(await eventually(allDelivered, 15_000)).toBe(true);
    // Once each: a control sent after them arrives with no second copy before it.
    expect(await pushesUpToControl(s, again, reader)).toHaveLength(6);
  });

  test("an instance that finds it was reaped (it stalled) closes its sessions with 1001 and rejoins", async () => {
    await using stalled = await startBrokerProcess({ DATABASE_URL: suite.database.url, ...SLOW_REPAIR });
    const [alice] = (await mesh(1)) as [TestMember];
    await using s = await session(stalled.port, alice);
    const id = await stalled.instanceId();
    // What a survivor does to an instance it found silent.
    await suite.sql`update mesh.broker_instance set stopped_at = now() where id = ${id}`;
    await suite.sql`update mesh.presence set disconnected_at = now() where instance_id = ${id}`;
    expect((await s.closed).code).toBe(1001);
    const [row] = await suite.sql`select stopped_at is null as live from mesh.broker_instance where id = ${id}`;
    expect(row?.live).toBe(true);
    // It serves again, with a fresh presence.
    await using again = await session(stalled.port, alice);
    expect(await presenceGone(again.ack.presenceId)).toBe(false);
    await again.close();
    expect(await stalled.stop("SIGTERM")).toBe(0);
  });

  test("SIGTERM of one instance marks only its own presences; the others' sessions stay live", async () => {
    await using leaving = await startBrokerProcess({ DATABASE_URL: suite.database.url, ...SLOW_REPAIR });
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    await using stays = await session(A().port, alice);
    await using stays2 = await session(B().port, bob);
    await using goes = await session(leaving.port, bob);
    expect(await leaving.stop("SIGTERM")).toBe(0);
    expect((await goes.closed).code).toBe(1001);
    expect(await presenceGone(goes.ack.presenceId)).toBe(true);
    expect(await presenceGone(stays.ack.presenceId)).toBe(false);
    expect(await presenceGone(stays2.ack.presenceId)).toBe(false);
    // And nobody mistakes the stopped instance's row for a silent one later.
    const [row] = await suite.sql`select stopped_at is not null as stopped from mesh.broker_instance
                                  where id = ${await leaving.instanceId()}`;
    expect(row?.stopped).toBe(true);
  });
});

describe("lost wake-ups", () => {
  test("the listener reconnects after its connection is killed and drains what it may have missed", async () => {
    const [alice, bob] = (await mesh(2)) as [TestMember, TestMember];
    await using a = await session(A().port, alice);
    await using b = await session(B().port, bob);
    const listener = `mesh-broker-listen:${await B().instanceId()}`;
    const listenedBefore = B().logs.filter((l) => l.msg === "wake listener listening").length;
    const [killed] = await suite.sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
                                     where application_name = ${listener}`;
    expect(killed?.n).toBe(1);
    // Sent while B may not be listening: the notification can be lost, the envelope must not be.
    await sendAndAck(a, taggedSendTo(bob, "during the gap", { id: "gap" }));
    expect(tagOf(await b.next("push", undefined, WAKE_DEADLINE_MS))).toBe("during the gap");
    expect(
      await eventually(
        async () => B().logs.filter((l) => l.msg === "wake listener listening").length > listenedBefore,
        15_000,
      ),
    ).toBe(true);
    expect(await metricValue(B().baseUrl, "broker_wake_listener_up")).toBe(1);
    await sendAndAck(a, taggedSendTo(bob, "after the gap", { id: "after" }));
    expect(tagOf(await b.next("push", undefined, WAKE_DEADLINE_MS))).toBe("after the gap");
  });

  test("an envelope and a status change no notification announced are picked up by the repair drain", async () => {
    const [alice, zed] = (await mesh(2)) as [TestMember, TestMember];
    await using z = await session(REPAIRING().port, zed);
    await unannounced(zed, alice, "unannounced", "now", "unannounced");
    expect(tagOf(await z.next("push", undefined, REPAIR_DEADLINE_MS))).toBe("unannounced");

    z.send({ type: "set_status", status: "working" });
    await z.next("status");
    await unannounced(zed, alice, "held", "next", "held until idle");
    // The control: a `now` envelope written after it, just as unannounced, arrives only through a
    // repair drain that also saw the held one.
    await unannounced(zed, alice, "repair control", "now", "repair control");
    expect(tagOf(await z.next("push", undefined, REPAIR_DEADLINE_MS))).toBe("repair control");
    expect(z.all("push").map(tagOf)).toEqual(["unannounced", "repair control"]);
    await suite.sql`update mesh.presence set status = 'idle', status_source = 'hook', status_updated_at = now()
                    where id = ${String(z.ack.presenceId)}`;
    expect(tagOf(await z.next("push", undefined, REPAIR_DEADLINE_MS))).toBe("held until idle");
  });
});
