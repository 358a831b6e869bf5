import { describe, expect, test } from "bun:test";
import { eventually } from "./helpers/broker-process.ts";
import { useBrokerSuite } from "./helpers/broker-suite.ts";
import { addMember, createMesh } from "./helpers/mesh-fixtures.ts";
import { metricValue } from "./helpers/metrics.ts";
import { rawHelloClient } from "./helpers/raw-ws-client.ts";
import { helloFor, sendFrameTo, session } from "./helpers/ws-client.ts";

const suite = useBrokerSuite({
  STATUS_TTL_SECONDS: "1",
  SWEEP_INTERVAL_MS: "200",
  WS_PING_INTERVAL_MS: "300",
  INSTANCE_HEARTBEAT_MS: "200",
  INSTANCE_TIMEOUT_MS: "1000",
});

/** Writes a registry row for another instance whose last heartbeat was `heartbeat` (SQL) ago or ahead. */
async function otherInstance(id: string, heartbeat: "1 minute ago" | "fresh for an hour"): Promise<void> {
  const at =
    heartbeat === "1 minute ago" ? suite.sql`now() - interval '1 minute'` : suite.sql`now() + interval '1 hour'`;
  await suite.sql`insert into mesh.broker_instance (id, hostname, pid, version, heartbeat_at)
                  values (${id}, 'elsewhere', 1, 'test', ${at})`;
}

/** A live presence row of `member` held by `instanceId`, as another broker would write it. */
async function foreignPresence(
  member: { id: string; meshId: string },
  instanceId: string,
  lastPing = suite.sql`now()`,
): Promise<string> {
  const [row] = await suite.sql<{ id: string }[]>`
    insert into mesh.presence (member_id, mesh_id, instance_id, session_id, last_ping_at)
    values (${member.id}, ${member.meshId}, ${instanceId}, 's', ${lastPing}) returning id`;
  return String(row?.id);
}

async function isDisconnected(presenceId: string): Promise<boolean> {
  const [r] = await suite.sql`select disconnected_at is not null as gone from mesh.presence where id = ${presenceId}`;
  return r?.gone === true;
}

/** A peer whose process froze: it reads, but never answers a ping. */
const frozenClient = (port: number, hello: Record<string, unknown>) => rawHelloClient(port, hello, { reads: true });

describe("sweepers", () => {
  test("the TTL sweep flips a stuck working session to idle and releases what it held", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    const a = await session(suite.broker.port, alice);
    const b = await session(suite.broker.port, bob);
    b.send({ type: "set_status", status: "working" });
    await b.next("status");
    a.send(sendFrameTo(bob, { priority: "next", ciphertext: "SEVMRA==", id: "held" }));
    await a.next("ack");
    const sweptBefore = (await metricValue(suite.broker.baseUrl, "broker_ttl_sweeps_total", 'flipped="true"')) ?? 0;

    const push = await b.next("push", undefined, 5000);
    expect(push.ciphertext).toBe("SEVMRA==");
    const [row] =
      await suite.sql`select status, status_source from mesh.presence where id = ${String(b.ack.presenceId)}`;
    expect(row).toEqual({ status: "idle", status_source: "heartbeat" });
    expect(await metricValue(suite.broker.baseUrl, "broker_ttl_sweeps_total", 'flipped="true"')).toBeGreaterThan(
      sweptBefore,
    );
    expect(await metricValue(suite.broker.baseUrl, "broker_ttl_sweeps_total", 'flipped="false"')).toBeGreaterThan(0);
    await Promise.all([a.close(), b.close()]);
  });

  test("the TTL sweep never touches dnd", async () => {
    const mesh = await createMesh(suite.sql);
    const bob = await addMember(suite.sql, mesh);
    const b = await session(suite.broker.port, bob);
    b.send({ type: "set_status", status: "dnd" });
    await b.next("status");
    await Bun.sleep(1800);
    const [row] = await suite.sql`select status from mesh.presence where id = ${String(b.ack.presenceId)}`;
    expect(row?.status).toBe("dnd");
    await b.close();
  });

  test("a session that stops answering pings is closed and its presence marked disconnected", async () => {
    const mesh = await createMesh(suite.sql);
    const frozen = await addMember(suite.sql, mesh);
    const alive = await addMember(suite.sql, mesh);
    const ok = await session(suite.broker.port, alive);
    const before = Date.now();
    const client = await frozenClient(suite.broker.port, helloFor(frozen));
    const live = async (memberId: string) => {
      const [r] = await suite.sql`select count(*)::int as n from mesh.presence
                            where member_id = ${memberId} and disconnected_at is null`;
      return r?.n ?? 0;
    };
    expect(await eventually(async () => (await live(frozen.id)) === 1, 3000)).toBe(true);
    await client.closed;
    expect(Date.now() - before).toBeLessThan(5000);
    expect(await eventually(async () => (await live(frozen.id)) === 0, 3000)).toBe(true);
    // A session that answers pings is kept, and its last_ping_at moves.
    const [first] = await suite.sql`select last_ping_at from mesh.presence where id = ${String(ok.ack.presenceId)}`;
    await Bun.sleep(800);
    const [later] = await suite.sql`select last_ping_at from mesh.presence where id = ${String(ok.ack.presenceId)}`;
    expect(String(later?.last_ping_at)).not.toBe(String(first?.last_ping_at));
    expect(await live(alive.id)).toBe(1);
    await ok.close();
  });

  test("the sessions of an instance whose registry row went silent (or that has none) are reaped, a live one's kept", async () => {
    const mesh = await createMesh(suite.sql);
    const ghost = await addMember(suite.sql, mesh);
    const sender = await addMember(suite.sql, mesh);
    await otherInstance("silent-instance", "1 minute ago");
    await otherInstance("live-instance", "fresh for an hour");
    const silent = await foreignPresence(ghost, "silent-instance");
    const unregistered = await foreignPresence(ghost, "unregistered-instance");
    const kept = await foreignPresence(ghost, "live-instance");
    // An envelope the dead instance had leased to its session.
    const [row] = await suite.sql`
      insert into mesh.message_queue (message_id, mesh_id, sender_member_id, recipient_member_id, target_spec,
                                      priority, nonce, ciphertext, lease_presence_id, lease_expires_at)
      values ('leased-by-the-dead', ${mesh.id}, ${sender.id}, ${ghost.id}, ${ghost.keys.publicKey}, 'now',
              'AAAA', 'AAAA', ${silent}, now() + interval '1 hour')
      returning id`;

    expect(await eventually(async () => (await isDisconnected(silent)) && isDisconnected(unregistered), 3000)).toBe(
      true,
    );
    expect(await isDisconnected(kept)).toBe(false);
    const [lease] = await suite.sql`select lease_presence_id from mesh.message_queue where id = ${String(row?.id)}`;
    expect(lease?.lease_presence_id).toBeNull();
    const [instance] = await suite.sql`select stopped_at is not null as stopped from mesh.broker_instance
                                       where id = 'silent-instance'`;
    expect(instance?.stopped).toBe(true);
    expect(await metricValue(suite.broker.baseUrl, "broker_instances_reaped_total")).toBeGreaterThanOrEqual(1);
    await suite.sql`delete from mesh.broker_instance where id = 'live-instance'`;
  });

  test("a presence of this instance that no pong renews (its close was never recorded) is reaped", async () => {
    const mesh = await createMesh(suite.sql);
    const ghost = await addMember(suite.sql, mesh);
    const own = await suite.broker.instanceId();
    const leaked = await foreignPresence(ghost, own, suite.sql`now() - interval '1 minute'`);
    expect(await eventually(() => isDisconnected(leaked), 3000)).toBe(true);
  });
});

describe("shutdown", () => {
  test("SIGTERM: clients see 1001, this instance's presences are marked and its registry row stopped, other instances' are not, exit 0", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    const a = await session(suite.broker.port, alice);
    const b = await session(suite.broker.port, bob);
    await otherInstance("another-live-instance", "fresh for an hour");
    const other = { id: await foreignPresence(bob, "another-live-instance") };
    expect(await metricValue(suite.broker.baseUrl, "broker_connections_active")).toBe(2);

    const code = await suite.broker.stop("SIGTERM");
    expect(code).toBe(0);
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    const rows = await suite.sql`select id, disconnected_at is not null as gone from mesh.presence
                           where id in (${String(a.ack.presenceId)}, ${String(b.ack.presenceId)}, ${other.id})`;
    const gone = Object.fromEntries(rows.map((r) => [r.id, r.gone]));
    expect(gone).toEqual({
      [String(a.ack.presenceId)]: true,
      [String(b.ack.presenceId)]: true,
      [other.id]: false,
    });
    const own = await suite.broker.instanceId();
    const instances = await suite.sql`select id, stopped_at is not null as stopped from mesh.broker_instance
                                      where id in (${own}, 'another-live-instance')`;
    expect(Object.fromEntries(instances.map((r) => [r.id, r.stopped]))).toEqual({
      [own]: true,
      "another-live-instance": false,
    });
    const messages = suite.broker.logs.map((l) => l.msg);
    const order = ["shutdown signal", "ws close", "shutdown complete"].map((m) => messages.lastIndexOf(m));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(messages.at(-1)).toBe("shutdown complete");
  });
});
