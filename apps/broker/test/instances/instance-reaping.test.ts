import { expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { insertQueueRows } from "../helpers/envelopes.ts";
import { foreignPresence, isDisconnected, otherInstance } from "../helpers/foreign-rows.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";

const suite = useBrokerSuite({ INSTANCE_HEARTBEAT_MS: "200", INSTANCE_TIMEOUT_MS: "1000" });

test("the sessions of an instance whose registry row went silent (or that has none) are reaped, a live one's kept", async () => {
  const { sql } = suite;
  const mesh = await createMesh(sql);
  const ghost = await addMember(sql, mesh);
  const sender = await addMember(sql, mesh);
  await otherInstance(sql, "silent-instance", "1 minute ago");
  await otherInstance(sql, "live-instance", "fresh for an hour");
  const silent = await foreignPresence(sql, ghost, "silent-instance");
  const unregistered = await foreignPresence(sql, ghost, "unregistered-instance");
  const kept = await foreignPresence(sql, ghost, "live-instance");
  // An envelope the dead instance had leased to its session.
  const [rowId] = await insertQueueRows(sql, [
    {
      messageId: "leased-by-the-dead",
      from: sender,
      to: ghost,
      priority: "now",
      lease: { presenceId: silent, for: "1 hour" },
    },
  ]);

  const reaped = async () => (await isDisconnected(sql, silent)) && isDisconnected(sql, unregistered);
  expect(await eventually(reaped, 10_000)).toBe(true);
  expect(await isDisconnected(sql, kept)).toBe(false);
  const [lease] = await sql`select lease_presence_id from mesh.message_queue where id = ${String(rowId)}`;
  expect(lease?.lease_presence_id).toBeNull();
  const [instance] = await sql`select stopped_at is not null as stopped from mesh.broker_instance
                               where id = 'silent-instance'`;
  expect(instance?.stopped).toBe(true);
  expect(await metricValue(suite.broker.baseUrl, "broker_instances_reaped_total")).toBeGreaterThanOrEqual(1);
  await sql`delete from mesh.broker_instance where id = 'live-instance'`;
});
