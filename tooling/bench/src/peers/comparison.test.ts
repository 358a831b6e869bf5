import { describe, expect, test } from "bun:test";
import type { LatencySummary } from "../histogram.ts";
import { BROKER_SYSTEM, formatRatio, type PeerRun, ratio, ratioTable, shapeTable } from "./comparison.ts";
import type { PeerShape } from "./peer-system.ts";

const latency = (p50: number, p99: number): LatencySummary => ({ count: 1, p50, p99, p999: p99, max: p99, mean: p50 });
const run = (system: string, msgsPerSecond: number, p50: number, p99: number, peakRssKb?: number): PeerRun => ({
  system,
  msgsPerSecond,
  sendToPush: latency(p50, p99),
  peakRssKb,
  cpu: { server: 40, loadGenerator: 35.4, machineBusy: 100 },
});
const small: PeerShape = { peers: 100, messagesPerPeer: 300, window: 2, measures: "throughput" };
const large: PeerShape = { peers: 100, messagesPerPeer: 1000, window: 8, measures: "throughput" };
const single: PeerShape = { peers: 10, messagesPerPeer: 100, window: 1, measures: "latency" };

describe("ratio", () => {
  test("divides, and is NaN when a side is missing, not finite or the divisor not positive", () => {
    expect(ratio(8096, 9020)).toBeCloseTo(0.8976, 4);
    expect(ratio(undefined, 2)).toBeNaN();
    expect(ratio(1, undefined)).toBeNaN();
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
  });

  test("formats with two decimals and a ×, n/a when NaN", () => {
    expect(formatRatio(0.7654)).toBe("0.77×");
    expect(formatRatio(Number.NaN)).toBe("n/a");
  });
});

describe("shapeTable", () => {
  test("a line per system, a skipped one says why", () => {
    const table = shapeTable(small, 160, [
      run(BROKER_SYSTEM, 8096, 7.3, 15.1, 163 * 1024),
      { system: "NATS (fsync)", skipped: "needs 2.10" },
    ]);
    expect(table.rows).toEqual([
      { metric: BROKER_SYSTEM, value: "8,096 msgs/s; send→push p50 / p99 7.30 ms / 15.1 ms; peak RSS 163.0 MB" },
      { metric: "  CPU: server / load generator / machine busy", value: "40 % / 35 % / 100 %" },
      { metric: "NATS (fsync)", value: "skipped: needs 2.10" },
    ]);
  });
});

describe("ratioTable", () => {
  test("msgs/s on throughput shapes, p50 / p99 on the latency shape, RSS on the largest; skipped peers left out", () => {
    const table = ratioTable([
      { shape: small, runs: [run(BROKER_SYSTEM, 8096, 7, 15, 100), run("rabbit", 9020, 2, 6, 500)] },
      { shape: large, runs: [run(BROKER_SYSTEM, 11000, 9, 30, 160), run("rabbit", 14000, 3, 8, 640)] },
      {
        shape: single,
        runs: [run(BROKER_SYSTEM, 500, 7.3, 15.1), run("rabbit", 900, 1.9, 6.5), { system: "nats", skipped: "absent" }],
      },
    ]);
    expect(table.rows.map((r) => [r.metric, r.value])).toEqual([
      ["÷ rabbit: 100×300, window 2 msgs/s", "0.90× (8,096 ÷ 9,020)"],
      ["÷ rabbit: 100×1000, window 8 msgs/s", "0.79× (11,000 ÷ 14,000)"],
      ["÷ rabbit: peak server RSS (100×1000, window 8)", "0.25×"],
      ["÷ rabbit: 10×100, window 1 send→push p50 / p99", "3.84× / 2.32×"],
    ]);
  });
});
