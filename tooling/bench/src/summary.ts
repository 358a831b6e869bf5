import { formatNumber, ms, type ReportTable } from "./report.ts";
import type { WorkloadResult } from "./workload.ts";

/** Reads a number at `path` in a result's figures (undefined when absent). */
export function figureAt(results: readonly WorkloadResult[], name: string, path: string): number | undefined {
  let value: unknown = results.find((r) => r.name === name)?.figures;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** W1's throughput as a ratio to the two ceilings measured in the same run. */
export function ceilingTable(results: readonly WorkloadResult[]): ReportTable | undefined {
  const w1 = figureAt(results, "W1", "msgsPerSecond");
  const ws = figureAt(results, "ceiling-ws", "msgsPerSecond");
  const pg = figureAt(results, "ceiling-pg", "best");
  if (w1 === undefined || (ws === undefined && pg === undefined)) return undefined;
  const ratio = (c: number | undefined) => (c === undefined ? "n/a" : `${(w1 / c).toFixed(2)}×`);
  return {
    title: "W1 against the ceilings of this machine",
    rows: [
      { metric: "W1 broker msgs/s", value: formatNumber(w1) },
      {
        metric: "÷ transport ceiling (bare WebSocket relay)",
        value: `${ratio(ws)} of ${formatNumber(ws ?? Number.NaN)}`,
      },
      {
        metric: "÷ durability ceiling (single-row insert commits/s)",
        value: `${ratio(pg)} of ${formatNumber(pg ?? Number.NaN)}`,
        target: "≥ 1×",
      },
    ],
  };
}

/** One line per target of issue 5: measured value and whether it is met. */
export function targetsTable(results: readonly WorkloadResult[], quick = false): ReportTable {
  const rows: ReportTable["rows"] = [];
  const check = (
    metric: string,
    value: number | undefined,
    target: string,
    met: (v: number) => boolean,
    show: (v: number) => string,
  ) => {
    if (value === undefined) return;
    // Quick sizes exercise every path; their figures (fixed costs over 500 sessions, 500 envelopes) judge nothing.
    const verdict = quick ? "not judged (--quick)" : met(value) ? "met" : "MISSED";
    rows.push({ metric, value: `${show(value)} — ${verdict}`, target });
  };
  const pct = (v: number) => `${v.toFixed(2)} %`;
  const delivered = figureAt(results, "W1", "delivered");
  const expected = figureAt(results, "W1", "expected");
  if (delivered !== undefined && expected)
    check("W1 delivered", (100 * delivered) / expected, "100 %", (v) => v >= 100, pct);
  check("W1 msgs/s", figureAt(results, "W1", "msgsPerSecond"), "≥ 10,000", (v) => v >= 10_000, formatNumber);
  check("W1 send→push p99", figureAt(results, "W1", "sendToPush.p99"), "≤ 50 ms", (v) => v <= 50, ms);
  check(
    "W1 broker peak RSS",
    figureAt(results, "W1", "usage.brokerRssKb.peak"),
    "≤ 200 MB",
    (v) => v <= 200 * 1024,
    (v) => `${(v / 1024).toFixed(1)} MB`,
  );
  const w1 = figureAt(results, "W1", "msgsPerSecond");
  const pg = figureAt(results, "ceiling-pg", "best");
  if (w1 !== undefined && pg !== undefined)
    check(
      "W1 ÷ durability ceiling",
      w1 / pg,
      "≥ 1×",
      (v) => v >= 1,
      (v) => `${v.toFixed(2)}×`,
    );
  const w2 = results.find((r) => r.name === "W2")?.figures.runs;
  if (Array.isArray(w2)) {
    const at1000 = w2.find((r: { rate?: number }) => r.rate === 1000) as { sendToPush?: { p99?: number } } | undefined;
    check("W2 @1000/s send→push p99", at1000?.sendToPush?.p99, "≤ 10 ms", (v) => v <= 10, ms);
  }
  check(
    "W5 broker RSS per idle session",
    figureAt(results, "W5", "perSessionKb"),
    "≤ 20 KB",
    (v) => v <= 20,
    (v) => `${v.toFixed(1)} KB`,
  );
  return { title: "Targets of issue 5 (figures only: the bench never fails on timing)", rows };
}
