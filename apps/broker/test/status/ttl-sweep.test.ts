import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { sendFrameTo, session } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({ STATUS_TTL_SECONDS: "1", SWEEP_INTERVAL_MS: "200" });

async function presenceStatus(presenceId: unknown): Promise<Record<string, unknown> | undefined> {
  const [row] = await suite.sql`select status, status_source from mesh.presence where id = ${String(presenceId)}`;
  return row;
}

describe("the TTL sweep", () => {
  test("flips a stuck working session to idle and releases what it held", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.broker.port, bob);
    b.send({ type: "set_status", status: "working" });
    await b.next("status");
    a.send(sendFrameTo(bob, { priority: "next", ciphertext: "SEVMRA==", id: "held" }));
    await a.next("ack");
    const sweptBefore = (await metricValue(suite.broker.baseUrl, "broker_ttl_sweeps_total", 'flipped="true"')) ?? 0;

    const push = await b.next("push", undefined, 10_000);
    expect(push.ciphertext).toBe("SEVMRA==");
    // The session is told, before what its new status released.
    const announced = b.frames.filter((f) => f.type === "status" && f.source === "heartbeat");
    expect(announced).toEqual([{ type: "status", status: "idle", source: "heartbeat" }]);
    expect(b.frames.indexOf(announced[0] as (typeof b.frames)[number])).toBeLessThan(b.frames.indexOf(push));
    expect(await presenceStatus(b.ack.presenceId)).toEqual({ status: "idle", status_source: "heartbeat" });
    expect(await metricValue(suite.broker.baseUrl, "broker_ttl_sweeps_total", 'flipped="true"')).toBeGreaterThan(
      sweptBefore,
    );
    expect(await metricValue(suite.broker.baseUrl, "broker_ttl_sweeps_total", 'flipped="false"')).toBeGreaterThan(0);
  });

  test("never touches dnd, even after a sweep that flipped a session set working later", async () => {
    const mesh = await createMesh(suite.sql);
    const bob = await addMember(suite.sql, mesh);
    const carol = await addMember(suite.sql, mesh);
    await using b = await session(suite.broker.port, bob);
    b.send({ type: "set_status", status: "dnd" });
    await b.next("status");
    // The control: carol goes working after bob went dnd, so the sweep that flips her has
    // also seen bob past the TTL. Only once it did does bob's dnd prove anything.
    await using c = await session(suite.broker.port, carol);
    c.send({ type: "set_status", status: "working" });
    await c.next("status");
    const flipped = async () => (await presenceStatus(c.ack.presenceId))?.status === "idle";
    expect(await eventually(flipped, 15_000)).toBe(true);
    expect(await presenceStatus(b.ack.presenceId)).toEqual({ status: "dnd", status_source: "manual" });
  });
});
