import { describe, expect, test } from "bun:test";
import { ceilingTable, figureAt, targetsTable } from "./summary.ts";
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
});
