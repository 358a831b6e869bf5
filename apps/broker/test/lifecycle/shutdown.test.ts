import { expect, test } from "bun:test";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { foreignPresence, otherInstance } from "../helpers/foreign-rows.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { session } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({});

test("SIGTERM: clients see 1001, this instance's presences are marked and its registry row stopped, other instances' are not, exit 0", async () => {
  const { sql } = suite;
  const mesh = await createMesh(sql);
  const alice = await addMember(sql, mesh);
  const bob = await addMember(sql, mesh);
  await using a = await session(suite.broker.port, alice);
  await using b = await session(suite.broker.port, bob);
  await otherInstance(sql, "another-live-instance", "fresh for an hour");
  const other = { id: await foreignPresence(sql, bob, "another-live-instance") };
  expect(await metricValue(suite.broker.baseUrl, "broker_connections_active")).toBe(2);

  const code = await suite.broker.stop("SIGTERM");
  await suite.broker.waitForLog("shutdown complete");
  expect(code).toBe(0);
  expect((await a.closed).code).toBe(1001);
  expect((await b.closed).code).toBe(1001);
  const rows = await sql`select id, disconnected_at is not null as gone from mesh.presence
                         where id in (${String(a.ack.presenceId)}, ${String(b.ack.presenceId)}, ${other.id})`;
  const gone = Object.fromEntries(rows.map((r) => [r.id, r.gone]));
  expect(gone).toEqual({
    [String(a.ack.presenceId)]: true,
    [String(b.ack.presenceId)]: true,
    [other.id]: false,
  });
  const own = await suite.broker.instanceId();
  const instances = await sql`select id, stopped_at is not null as stopped from mesh.broker_instance
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
  // Every line the process wrote, start-up and shutdown included, says which instance wrote it.
  const unattributed = suite.broker.logs.filter((l) => l.instance_id !== own).map((l) => l.msg);
  expect(unattributed).toEqual([]);
});
