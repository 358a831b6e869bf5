import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { foreignPresence, otherInstance } from "../helpers/foreign-rows.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { type Frame, sendFrameTo, session, type TestSocket } from "../helpers/ws-client.ts";

/*
 * Issue 17, item 1: the delivery series move as envelopes are pushed,
 * acknowledged, redelivered and expired; the queue gauges are reported by
 * one instance. A database of its own, so the gauges see only this file.
 */
const suite = useBrokerSuite({ SWEEP_INTERVAL_MS: "200" });

const value = async (series: string, labels = "") =>
  (await metricValue(suite.broker.baseUrl, series, labels)) ?? Number.NaN;
const reaches = (series: string, labels: string, check: (v: number) => boolean) =>
  eventually(async () => check(await value(series, labels)), 15_000);

let sent = 0;
/** Sends one frame and waits for its ack. */
async function sendAcked(from: TestSocket, to: TestMember, fields: Record<string, unknown> = {}): Promise<Frame> {
  sent += 1;
  const id = `dm-${sent}`;
  from.send(sendFrameTo(to, { id, ...fields }));
  const answer = await from.next(undefined, (f) => (f.type === "ack" || f.type === "error") && f.id === id);
  expect(answer.type).toBe("ack");
  return answer;
}

async function members(n: number): Promise<TestMember[]> {
  const mesh = await createMesh(suite.sql);
  const out: TestMember[] = [];
  for (let i = 0; i < n; i++) out.push(await addMember(suite.sql, mesh));
  return out;
}

describe("delivery metrics", () => {
  test("pushed, acknowledged and redelivered count an ack session's envelope; send→push observes first pushes only", async () => {
    const [alice, bob, carol] = (await members(3)) as [TestMember, TestMember, TestMember];
    const before = {
      ack: await value("mesh_broker_envelopes_pushed_total", 'mode="ack"'),
      handoff: await value("mesh_broker_envelopes_pushed_total", 'mode="handoff"'),
      acked: await value("mesh_broker_envelopes_acknowledged_total"),
      redelivered: await value("mesh_broker_envelopes_redelivered_total"),
      latency: await value("mesh_broker_send_to_push_seconds_count", 'priority="now"'),
    };
    expect(Object.values(before).every(Number.isFinite)).toBe(true);

    await using a = await session(suite.broker.port, alice);
    await using b = await session(suite.broker.port, bob, { features: ["ack"] });
    await sendAcked(a, bob);
    const first = await b.next("push");
    expect(await reaches("mesh_broker_envelopes_pushed_total", 'mode="ack"', (v) => v === before.ack + 1)).toBe(true);
    expect(await value("mesh_broker_send_to_push_seconds_count", 'priority="now"')).toBe(before.latency + 1);
    expect(await value("mesh_broker_envelopes_redelivered_total")).toBe(before.redelivered);

    // Bob's session ends without a client_ack: his next session gets the envelope again.
    await b.close();
    await using again = await session(suite.broker.port, bob, { features: ["ack"] });
    const second = await again.next("push");
    expect(second.brokerMessageId).toBe(first.brokerMessageId);
    expect(await reaches("mesh_broker_envelopes_redelivered_total", "", (v) => v === before.redelivered + 1)).toBe(
      true,
    );
    expect(await value("mesh_broker_envelopes_pushed_total", 'mode="ack"')).toBe(before.ack + 2);
    expect(await value("mesh_broker_send_to_push_seconds_count", 'priority="now"')).toBe(before.latency + 1);

    again.send({ type: "client_ack", brokerMessageId: second.brokerMessageId });
    expect(await reaches("mesh_broker_envelopes_acknowledged_total", "", (v) => v === before.acked + 1)).toBe(true);

    // A session without the ack feature: delivered when written.
    await using c = await session(suite.broker.port, carol);
    await sendAcked(a, carol, { priority: "next" });
    await c.next("push");
    expect(await reaches("mesh_broker_envelopes_pushed_total", 'mode="handoff"', (v) => v === before.handoff + 1)).toBe(
      true,
    );
    expect(await value("mesh_broker_send_to_push_seconds_count", 'priority="next"')).toBeGreaterThanOrEqual(1);
    // Nothing else was pushed twice.
    expect(await value("mesh_broker_envelopes_redelivered_total")).toBe(before.redelivered + 1);
  });

  test("an envelope that expires undelivered counts in mesh_broker_envelopes_expired_total", async () => {
    const [alice, bob] = (await members(2)) as [TestMember, TestMember];
    const before = await value("mesh_broker_envelopes_expired_total");
    expect(Number.isFinite(before)).toBe(true);
    await using a = await session(suite.broker.port, alice);
    // Bob is offline; the envelope lives one second.
    await sendAcked(a, bob, { ttlSeconds: 1 });
    expect(await reaches("mesh_broker_envelopes_expired_total", "", (v) => v === before + 1)).toBe(true);
    expect(await value("broker_envelopes_retired_total", 'reason="expired"')).toBeGreaterThanOrEqual(1);
  });

  test("the oldest deliverable envelope ages only while a live session could take it; one instance reports the queue gauges", async () => {
    const [alice, dave] = (await members(2)) as [TestMember, TestMember];
    // Dave lives on another instance that never pushes (a registry row fresh for an hour, started after this broker).
    await otherInstance(suite.sql, "metrics-peer", "fresh for an hour");
    const presenceId = await foreignPresence(suite.sql, dave, "metrics-peer");
    await suite.sql`update mesh.presence set status = 'working' where id = ${presenceId}`;
    try {
      await using a = await session(suite.broker.port, alice);
      await sendAcked(a, dave, { priority: "next" });
      await suite.sql`update mesh.message_queue set created_at = created_at - interval '100 seconds'
                      where recipient_member_id = ${dave.id}`;
      // Held by dave's working status: old, but not deliverable.
      expect(await reaches("mesh_broker_queue_oldest_undelivered_seconds", "", (v) => v >= 100)).toBe(true);
      expect(await value("mesh_broker_queue_oldest_deliverable_seconds")).toBe(0);
      expect(await value("mesh_broker_queue_reporter")).toBe(1);

      await suite.sql`update mesh.presence set status = 'idle' where id = ${presenceId}`;
      expect(await reaches("mesh_broker_queue_oldest_deliverable_seconds", "", (v) => v >= 100 && v < 300)).toBe(true);

      // An instance that started earlier and still heartbeats reports instead: this one shows 0, the old names
      // keep the database-wide figures on every instance.
      await suite.sql`insert into mesh.broker_instance (id, hostname, pid, version, started_at, heartbeat_at)
                      values ('metrics-elder', 'elsewhere', 1, 'test', now() - interval '1 day', now() + interval '1 hour')`;
      expect(await reaches("mesh_broker_queue_reporter", "", (v) => v === 0)).toBe(true);
      expect(await value("mesh_broker_queue_depth")).toBe(0);
      expect(await value("mesh_broker_queue_oldest_deliverable_seconds")).toBe(0);
      expect(await value("broker_queue_depth")).toBeGreaterThanOrEqual(1);
    } finally {
      await suite.sql`update mesh.broker_instance set stopped_at = now() where id in ('metrics-peer', 'metrics-elder')`;
      await suite.sql`update mesh.presence set disconnected_at = now() where id = ${presenceId}`;
    }
    expect(await reaches("mesh_broker_queue_reporter", "", (v) => v === 1)).toBe(true);
  });

  test("/join and hook answers count by outcome code, never by a value the client chose; build info names the build", async () => {
    const joinBefore = await value("mesh_broker_join_requests_total", 'outcome="bad_request"');
    const response = await fetch(`${suite.broker.baseUrl}/join`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ invite_payload: "not an invite" }),
    });
    expect(response.status).toBe(400);
    expect(await value("mesh_broker_join_requests_total", 'outcome="bad_request"')).toBe(
      (Number.isFinite(joinBefore) ? joinBefore : 0) + 1,
    );

    const hook = await fetch(`${suite.broker.baseUrl}/hook/set-status`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ status: "working", cwd: "/x", pid: 1 }),
    });
    expect(hook.status).toBe(403);
    expect(await value("mesh_broker_hook_requests_total", 'result="origin_refused"')).toBeGreaterThanOrEqual(1);

    const text = await (await fetch(`${suite.broker.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^mesh_broker_build_info\{version="[^"]+",git_sha="[^"]+"\} 1$/m);
    expect(text).not.toContain("evil.example");
  });
});
