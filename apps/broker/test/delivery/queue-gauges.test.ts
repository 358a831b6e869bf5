import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { sendFrameTo, session } from "../helpers/ws-client.ts";

/* Whose backlog it is, without a label per member: the queue gauges (a database of its own, so they see only this test). */
const suite = useBrokerSuite({ MEMBER_QUEUE_CAP: "4", SWEEP_INTERVAL_MS: "200" });

const gauge = async (name: string) => (await metricValue(suite.broker.baseUrl, name)) ?? Number.NaN;
const gaugeReaches = (name: string, check: (v: number) => boolean) =>
  eventually(async () => check(await gauge(name)), 15_000);

describe("queue gauges", () => {
  test("broker_queue_members_over_share counts members past half their share; broker_queue_oldest_undelivered_seconds ages the oldest; both fall once delivered", async () => {
    const mesh = await createMesh(suite.sql);
    const [alice, bob, carol] = [
      await addMember(suite.sql, mesh),
      await addMember(suite.sql, mesh),
      await addMember(suite.sql, mesh),
    ];
    await using a = await session(suite.broker.port, alice);
    // Bob is offline. Two envelopes: at half the share, over it nobody.
    for (const id of ["g-1", "g-2"]) {
      a.send(sendFrameTo(bob, { id }));
      expect((await a.next(undefined, (f) => f.id === id)).type).toBe("ack");
    }
    a.send(sendFrameTo(carol, { id: "g-carol" }));
    expect((await a.next(undefined, (f) => f.id === "g-carol")).type).toBe("ack");
    expect(await gaugeReaches("broker_queue_depth", (v) => v === 3)).toBe(true);
    expect(await gauge("broker_queue_members_over_share")).toBe(1); // alice, as sender of three
    a.send(sendFrameTo(bob, { id: "g-3" }));
    expect((await a.next(undefined, (f) => f.id === "g-3")).type).toBe("ack");
    // Alice as sender of four, bob as recipient of three.
    expect(await gaugeReaches("broker_queue_members_over_share", (v) => v === 2)).toBe(true);

    await suite.sql`update mesh.message_queue set created_at = created_at - interval '100 seconds'
                    where message_id = (select message_id from mesh.message_queue
                                        where recipient_member_id = ${bob.id} order by id limit 1)`;
    expect(await gaugeReaches("broker_queue_oldest_undelivered_seconds", (v) => v >= 100 && v < 200)).toBe(true);

    await using b = await session(suite.broker.port, bob);
    await using c = await session(suite.broker.port, carol);
    for (let i = 0; i < 3; i++) await b.next("push");
    await c.next("push");
    expect(await gaugeReaches("broker_queue_depth", (v) => v === 0)).toBe(true);
    expect(await gaugeReaches("broker_queue_members_over_share", (v) => v === 0)).toBe(true);
    expect(await gauge("broker_queue_oldest_undelivered_seconds")).toBe(0);
  });
});
