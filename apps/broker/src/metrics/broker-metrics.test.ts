import { describe, expect, test } from "bun:test";
import { BrokerError } from "../server/broker-error.ts";
import { BrokerMetrics } from "./broker-metrics.ts";
import { requestOutcome } from "./request-outcome.ts";

const metrics = () => new BrokerMetrics({ defaultMetrics: false });

/** The value of one sample line (name with its exact labels) in the exposition. */
async function sample(m: BrokerMetrics, line: string): Promise<number | undefined> {
  for (const l of (await m.render()).split("\n")) if (l.startsWith(`${line} `)) return Number(l.slice(line.length + 1));
  return undefined;
}

describe("BrokerMetrics", () => {
  test("a first push observes send→push; a later push of the same row counts as a redelivery instead", async () => {
    const m = metrics();
    m.envelopePushed("now", "ack", 1, 0.004);
    m.envelopePushed("now", "ack", 2, 31);
    m.envelopePushed("low", "handoff", 1, 0.2);
    expect(await sample(m, 'mesh_broker_envelopes_pushed_total{mode="ack"}')).toBe(2);
    expect(await sample(m, 'mesh_broker_envelopes_pushed_total{mode="handoff"}')).toBe(1);
    expect(await sample(m, "mesh_broker_envelopes_redelivered_total")).toBe(1);
    expect(await sample(m, 'mesh_broker_send_to_push_seconds_count{priority="now"}')).toBe(1);
    expect(await sample(m, 'mesh_broker_send_to_push_seconds_bucket{le="0.005",priority="now"}')).toBe(1);
    expect(await sample(m, 'mesh_broker_send_to_push_seconds_bucket{le="60",priority="low"}')).toBe(1);
  });

  test("only the reporting instance shows the database-wide queue gauges; the old names show them everywhere", async () => {
    const figures = { depth: 7, membersOverShare: 1, oldestUndeliveredSeconds: 90, oldestDeliverableSeconds: 3 };
    const reporter = metrics();
    const other = metrics();
    reporter.queueMeasured({ reporting: true, ...figures });
    other.queueMeasured({ reporting: false, ...figures });
    expect(await sample(reporter, "mesh_broker_queue_depth")).toBe(7);
    expect(await sample(reporter, "mesh_broker_queue_oldest_deliverable_seconds")).toBe(3);
    expect(await sample(reporter, "mesh_broker_queue_reporter")).toBe(1);
    expect(await sample(other, "mesh_broker_queue_depth")).toBe(0);
    expect(await sample(other, "mesh_broker_queue_oldest_undelivered_seconds")).toBe(0);
    expect(await sample(other, "mesh_broker_queue_reporter")).toBe(0);
    expect(await sample(other, "broker_queue_depth")).toBe(7);
  });

  test("a rate-limited hook is a result of the hook counter, and still feeds the old counter of its own", async () => {
    const m = metrics();
    m.hookReceived();
    m.hookAnswered("rate_limited", 0.001);
    expect(await sample(m, 'mesh_broker_hook_requests_total{result="rate_limited"}')).toBe(1);
    expect(await sample(m, "broker_hook_requests_rate_limited_total")).toBe(1);
    expect(await sample(m, "broker_hook_requests_total")).toBe(1);
  });

  test("build info is one series of value 1", async () => {
    const m = metrics();
    m.buildInfo({ version: "1.2.3", gitSha: "abc1234" });
    expect(await sample(m, 'mesh_broker_build_info{version="1.2.3",git_sha="abc1234"}')).toBe(1);
  });

  test("every series of the new registry carries the prefix", async () => {
    const names = (await metrics().render())
      .split("\n")
      .filter((l) => l.startsWith("# TYPE "))
      .map((l) => l.split(" ")[2] ?? "");
    expect(names.filter((n) => n.startsWith("mesh_broker_")).length).toBeGreaterThan(25);
    expect(names.every((n) => n.startsWith("mesh_broker_") || n.startsWith("broker_"))).toBe(true);
  });
});

describe("requestOutcome", () => {
  test("a documented code is its own label; anything else, or an undocumented code, is internal_error", () => {
    expect(requestOutcome(new BrokerError("rate_limited", 429))).toBe("rate_limited");
    expect(requestOutcome(new BrokerError("made up by a client", 400))).toBe("internal_error");
    expect(requestOutcome(new Error("boom"))).toBe("internal_error");
  });
});
