import { describe, expect, test } from "bun:test";
import { eventually } from "./helpers/broker-process.ts";
import { useBrokerSuite } from "./helpers/broker-suite.ts";
import { addMember, createMesh } from "./helpers/mesh-fixtures.ts";
import { metricValue } from "./helpers/metrics.ts";
import { rawHelloClient } from "./helpers/raw-ws-client.ts";
import { helloFor, sendFrameTo, session } from "./helpers/ws-client.ts";

const suite = useBrokerSuite({ STATUS_TTL_SECONDS: "1", SWEEP_INTERVAL_MS: "200", WS_PING_INTERVAL_MS: "300" });

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

  test("presences of another instance that stopped answering pings are reaped", async () => {
    const mesh = await createMesh(suite.sql);
    const ghost = await addMember(suite.sql, mesh);
    const [row] = await suite.sql`insert into mesh.presence (member_id, mesh_id, instance_id, session_id, last_ping_at)
                            values (${ghost.id}, ${mesh.id}, 'dead-instance', 's', now() - interval '1 minute')
                            returning id`;
    const reaped = async () => {
      const [r] =
        await suite.sql`select disconnected_at is not null as gone from mesh.presence where id = ${String(row?.id)}`;
      return r?.gone === true;
    };
    expect(await eventually(reaped, 3000)).toBe(true);
  });
});

describe("shutdown", () => {
  test("SIGTERM: clients see 1001, this instance's presences are marked, other instances' are not, exit 0", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    const a = await session(suite.broker.port, alice);
    const b = await session(suite.broker.port, bob);
    const [other] = await suite.sql`insert into mesh.presence (member_id, mesh_id, instance_id, session_id)
                              values (${bob.id}, ${mesh.id}, 'another-live-instance', 'elsewhere') returning id`;
    expect(await metricValue(suite.broker.baseUrl, "broker_connections_active")).toBe(2);

    const code = await suite.broker.stop("SIGTERM");
    expect(code).toBe(0);
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    const rows = await suite.sql`select id, disconnected_at is not null as gone from mesh.presence
                           where id in (${String(a.ack.presenceId)}, ${String(b.ack.presenceId)}, ${String(other?.id)})`;
    const gone = Object.fromEntries(rows.map((r) => [r.id, r.gone]));
    expect(gone).toEqual({
      [String(a.ack.presenceId)]: true,
      [String(b.ack.presenceId)]: true,
      [String(other?.id)]: false,
    });
    const messages = suite.broker.logs.map((l) => l.msg);
    const order = ["shutdown signal", "ws close", "shutdown complete"].map((m) => messages.lastIndexOf(m));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(messages.at(-1)).toBe("shutdown complete");
  });
});
