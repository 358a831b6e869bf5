import { describe, expect, test } from "bun:test";
import { BROKER_SYSTEM } from "./peers/comparison.ts";
import { ceilingTable, cpuBound, figureAt, issue18Table, targetsTable } from "./summary.ts";
import type { WorkloadResult } from "./workload.ts";

const result = (name: string, figures: Record<string, unknown>): WorkloadResult => ({
  name,
  figures,
  failures: [],
  table: { title: name, rows: [] },
});

const results = [
  result("W1", { msgsPerSecond: 6000, delivered: 100, expected: 100, sendToPush: { p99: 80 } }),
  result("ceiling-ws", { msgsPerSecond: 30000 }),
  result("ceiling-pg", { best: 4000 }),
  result("W5", { perSessionKb: 6.25 }),
];

describe("summary", () => {
  test("figureAt follows a dotted path and ignores what is not a finite number", () => {
    expect(figureAt(results, "W1", "sendToPush.p99")).toBe(80);
    expect(figureAt(results, "W1", "sendToPush.p50")).toBeUndefined();
    expect(figureAt(results, "W9", "x")).toBeUndefined();
  });

  test("W1 over the ceilings", () => {
    const rows = ceilingTable(results)?.rows.map((r) => r.value);
    expect(rows).toEqual(["6,000", "0.20× of 30,000", "1.50× of 4,000"]);
  });

  test("targets say met or MISSED, and nothing is judged in quick mode", () => {
    const full = targetsTable(results).rows.map((r) => `${r.metric}: ${r.value}`);
    expect(full).toContain("W1 msgs/s: 6,000 — MISSED");
    expect(full).toContain("W1 delivered: 100.00 % — met");
    expect(full).toContain("W1 ÷ durability ceiling: 1.50× — met");
    expect(full).toContain("W5 broker RSS per idle session: 6.3 KB — met");
    expect(targetsTable(results, true).rows.every((r) => r.value.endsWith("not judged (--quick)"))).toBe(true);
  });

  test("the row-write floor joins the ceilings when measured", () => {
    const withFloor = [
      result("W1", { msgsPerSecond: 6000, delivered: 1000, usage: { cpuSeconds: { postgres: 0.08 } } }),
      result("ceiling-pg-rows", { msgsPerSecond: 24000, postgresMicrosPerMessage: 20 }),
    ];
    expect(
      ceilingTable(withFloor)
        ?.rows.slice(3)
        .map((r) => r.value),
    ).toEqual(["0.25× of 24,000", "80 µs / 20 µs"]);
  });
});

/** A run's usage: CPU seconds per process and the machine's busy share. */
const usage = (broker: number, postgres: number, loadGenerator: number, busy: number) => ({
  cpuSeconds: { broker, postgres, loadGenerator },
  machine: { busy },
});

const shape = (peers: number, messagesPerPeer: number, window: number, measures: "throughput" | "latency") => ({
  peers,
  messagesPerPeer,
  window,
  measures,
});

const brokerRun = (msgsPerSecond: number, p50: number, p99: number) => ({
  system: BROKER_SYSTEM,
  msgsPerSecond,
  sendToPush: { count: 1, p50, p99, p999: p99, max: p99, mean: p50 },
  peakRssKb: undefined,
  cpu: {},
});

/** A full run: W1 misses on CPU, W2 misses its p99.9, W3 is met, W7 misses, peers mixed. */
const run18 = [
  // 100,000 delivered; 3 + 5 + 2 s CPU = 30 + 50 + 20 µs each: 2 cores allow 20,000 msgs/s.
  result("W1", { msgsPerSecond: 12_000, delivered: 100_000, usage: usage(3, 5, 2, 97) }),
  result("W2", {
    runs: [
      {
        rate: 1000,
        delivered: 10_000,
        sendToPush: { p99: 8, p999: 40 },
        usage: { cpuSeconds: { postgres: 6.5 }, machine: { busy: 55 } },
      },
      { rate: 5000, sendToPush: { p99: 30, p999: 90 } },
    ],
  }),
  result("W3", {
    deliveriesPerSecond: 30_000,
    delivered: 245_000,
    sendToPush: { p99: 900 },
    usage: usage(2, 2, 1, 99),
  }),
  result("W7-throughput", {
    runs: [
      { instances: 1, msgsPerSecond: 10_000, delivered: 50_000, usage: usage(2, 2, 1, 95) },
      { instances: 2, msgsPerSecond: 9_000, delivered: 50_000, usage: usage(2, 3, 1, 99) },
    ],
  }),
  result("ceiling-ws", { msgsPerSecond: 40_000, sendToPush: { p50: 0.5, p99: 3 } }),
  result("ceiling-pg", { best: 4000, commitFloor: { p50: 1.2, p99: 4.5 } }),
  result("ceiling-pg-rows", { msgsPerSecond: 30_000, postgresMicrosPerMessage: 22 }),
  result("peers 100×300, window 2", {
    shape: shape(100, 300, 2, "throughput"),
    runs: [brokerRun(9000, 4, 15)],
  }),
  result("peers 100×1000, window 8", {
    shape: shape(100, 1000, 8, "throughput"),
    runs: [
      brokerRun(15_000, 10, 30),
      {
        system: "RabbitMQ quorum queues",
        msgsPerSecond: 20_000,
        sendToPush: { count: 1, p50: 5, p99: 9, p999: 9, max: 9, mean: 5 },
        peakRssKb: 1,
        cpu: {},
      },
    ],
    broker: { delivered: 100_000, usage: usage(4, 4, 2, 98) },
  }),
  result("peers 10×100, window 1", {
    shape: shape(10, 100, 1, "latency"),
    runs: [brokerRun(500, 1.5, 8)],
  }),
  result("peers", {}),
];

/** "metric: value — verdict [bound]" per row. */
const lines = (rs: readonly WorkloadResult[], quick = false) =>
  issue18Table(rs, { quick, cores: 2 }).rows.map(
    (r) => `${r.metric}: ${r.value} — ${r.verdict}${r.bound === undefined ? "" : ` [${r.bound}]`}`,
  );

describe("targets of issue 18", () => {
  test("CPU bound: cores over the CPU each process spent per message, and whether the machine was busy", () => {
    expect(cpuBound({ usage: usage(3, 5, 2, 97), delivered: 100_000 }, 2)).toBe(
      "CPU: 2 cores ÷ (broker 30 + Postgres 50 + load generator 20 µs per delivered message) = 20,000 msgs/s; machine busy 97 %",
    );
    expect(cpuBound({ usage: usage(3, 5, 2, 60), delivered: 100_000 }, 2)).toStartWith(
      "not CPU-bound (machine busy 60 %); CPU: 2 cores",
    );
    expect(cpuBound({ delivered: 100_000 }, 2)).toBe("CPU per message not visible in this run");
  });

  test("each target met or MISSED with the figure of this run that bounds it", () => {
    expect(lines(run18)).toEqual([
      "W1 msgs/s: 12,000 — MISSED [CPU: 2 cores ÷ (broker 30 + Postgres 50 + load generator 20 µs per delivered message) = 20,000 msgs/s; machine busy 97 %]",
      "W1 Postgres CPU per delivered message: 50 µs — met",
      "W2 @1,000/s send→push p99 / p99.9: 8 ms / 40 ms — MISSED [one commit alone: p50 1.20 ms / p99 4.50 ms; in this run Postgres spent 650 µs of CPU per message and the machine was 55 % busy]",
      "W3 envelope-deliveries/s: 30,000 — met",
      "W3 send→push p99: 900 ms — met",
      "W7 msgs/s: 2 instances ÷ 1 instance: 0.90× (9,000 ÷ 10,000) — MISSED [Postgres CPU per delivered message: 1 instance 40 µs, 2 instances 60 µs; machine busy at 2 instances 99 %]",
      "peers 100×1000, window 8: msgs/s ÷ RabbitMQ quorum queues: 0.75× (15,000 ÷ 20,000) — MISSED [CPU: 2 cores ÷ (broker 40 + Postgres 40 + load generator 20 µs per delivered message) = 20,000 msgs/s; machine busy 98 %]",
      "peers 100×1000, window 8: msgs/s ÷ transport ceiling: 0.38× (15,000 ÷ 40,000) — MISSED [CPU: 2 cores ÷ (broker 40 + Postgres 40 + load generator 20 µs per delivered message) = 20,000 msgs/s; machine busy 98 %]",
      "peers 100×300, window 2: send→push p99: 15 ms — met",
      "peers 10×100, window 1 (one sender at a time): send→push p50 / p99: 1.50 ms / 8 ms — MISSED [one commit alone: p50 1.20 ms / p99 4.50 ms]",
    ]);
  });

  test("the Postgres CPU target is bound by the row-write floor of the same run", () => {
    const heavy = run18.map((r) => (r.name === "W1" ? result("W1", { ...r.figures, usage: usage(3, 8, 2, 97) }) : r));
    expect(lines(heavy)[1]).toBe(
      "W1 Postgres CPU per delivered message: 80 µs — MISSED [the bare writes of the same rows cost 22 µs of Postgres CPU per message (row-write floor)]",
    );
    const noFloor = heavy.filter((r) => !r.name.startsWith("ceiling"));
    expect(lines(noFloor)[1]).toEndWith("[row-write floor not measured in this run (--only ceilings)]");
    expect(lines(noFloor)[2]).toContain(
      "[commit floor not measured in this run (--only ceilings); in this run Postgres spent",
    );
  });

  test("quick sizes judge nothing and give no bound", () => {
    const rows = issue18Table(run18, { quick: true, cores: 2 }).rows;
    expect(rows.every((r) => r.verdict === "not judged (--quick)" && r.bound === undefined)).toBe(true);
  });

  test("a target whose step did not run names the --only step that measures it", () => {
    expect(lines([result("W1", run18[0]?.figures ?? {})]).slice(2)).toEqual([
      "W2 @1,000/s send→push p99 / p99.9: n/a — not measured in this run (--only W2)",
      "W3 envelope-deliveries/s: n/a — not measured in this run (--only W3)",
      "W3 send→push p99: n/a — not measured in this run (--only W3)",
      "W7 msgs/s: 2 instances ÷ 1 instance: n/a — not measured in this run (--only W7)",
      "peers 100×1000, window 8: msgs/s ÷ RabbitMQ quorum queues: n/a — not measured in this run (--only peers)",
      "peers 100×1000, window 8: msgs/s ÷ transport ceiling: n/a — not measured in this run (--only peers,ceilings)",
      "peers 100×300, window 2: send→push p99: n/a — not measured in this run (--only peers)",
      "peers 10×100, window 1 (one sender at a time): send→push p50 / p99: n/a — not measured in this run (--only peers)",
    ]);
    expect(lines([])[0]).toBe("W1 msgs/s: n/a — not measured in this run (--only W1)");
  });

  test("a peer skipped in the run is named with its reason", () => {
    const skipped = run18.map((r) =>
      r.name === "peers 100×1000, window 8"
        ? result(r.name, {
            ...r.figures,
            runs: [brokerRun(15_000, 10, 30), { system: "RabbitMQ quorum queues", skipped: "not reachable" }],
          })
        : r,
    );
    expect(lines(skipped)[6]).toBe(
      "peers 100×1000, window 8: msgs/s ÷ RabbitMQ quorum queues: n/a — not measured in this run (RabbitMQ quorum queues skipped: not reachable)",
    );
  });
});
