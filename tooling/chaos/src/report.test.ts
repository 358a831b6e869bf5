import { describe, expect, test } from "bun:test";
import { formatTable, rowCells } from "./report.ts";
import type { ScenarioResult } from "./scenario.ts";

const result = (over: Partial<ScenarioResult>): ScenarioResult => ({
  number: 1,
  name: "SIGKILL broker, restart",
  verdict: "ok",
  counts: {
    sent: 240,
    acked: 240,
    unacked: 0,
    expected: 300,
    delivered: 300,
    lost: 0,
    duplicated: 0,
    deliveredUnacked: 0,
  },
  checks: [],
  notes: [],
  diagnostics: {},
  seconds: 12.34,
  ...over,
});

describe("report", () => {
  test("a row carries the counts, the verdict and the time", () => {
    expect(rowCells(result({}))).toEqual([
      "1",
      "SIGKILL broker, restart",
      "240",
      "240",
      "0",
      "300",
      "300",
      "0",
      "0",
      "ok",
      "12.3 s",
    ]);
  });

  test("a skipped row shows its reason instead of a verdict", () => {
    const cells = rowCells(
      result({ number: 2, verdict: "skipped", counts: undefined, notes: ["skipped: needs the embedded server"] }),
    );
    expect(cells.slice(2, 9)).toEqual(["-", "-", "-", "-", "-", "-", "-"]);
    expect(cells[9]).toBe("skipped: needs the embedded server");
  });

  test("columns line up", () => {
    const lines = formatTable([result({}), result({ number: 7, name: "x", verdict: "FAIL" })]).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]?.indexOf("verdict")).toBe((lines[2]?.indexOf("  ok  ") ?? -9) + 2);
  });
});
