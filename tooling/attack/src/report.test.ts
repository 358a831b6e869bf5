import { describe, expect, test } from "bun:test";
import type { AttackResult } from "./attack.ts";
import { formatDetails, formatMarkdown, formatTable, victimCell } from "./report.ts";

const result = (over: Partial<AttackResult> = {}): AttackResult => ({
  number: 2,
  key: "cap",
  name: "cap reservation",
  figure: "900 rows (cap 100)",
  verdict: "NOT DEFENDED",
  checks: [{ name: "rows within the cap", ok: false, detail: "900 > 100" }],
  notes: ["a note"],
  seconds: 3.21,
  brokerErrors: [],
  ...over,
});

describe("formatTable", () => {
  test("one aligned row per attack under a header and a rule", () => {
    const lines = formatTable([result(), result({ number: 12, name: "read-only", verdict: "defended" })]).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toStartWith(" #  attack");
    expect(lines[2]).toContain("900 rows (cap 100)");
    expect(lines[2]).toContain("NOT DEFENDED");
    expect(lines[3]).toStartWith("12  read-only");
    expect(lines[3]).toEndWith("3.2 s");
  });
});

describe("victimCell", () => {
  test("a dash without a victim pair, p99 before → during with one", () => {
    expect(victimCell(result())).toBe("-");
    const victim = {
      beforeP99Ms: 4,
      duringP99Ms: 1500,
      duringP95Ms: 900,
      duringMaxMs: 1600,
      sent: 10,
      delivered: 10,
      troubles: [],
    };
    expect(victimCell(result({ victim }))).toBe("4 ms → 1.5 s");
  });
});

describe("formatDetails", () => {
  test("failed checks are marked, notes follow", () => {
    const text = formatDetails([result()]);
    expect(text).toContain("2 cap reservation: NOT DEFENDED");
    expect(text).toContain("FAIL rows within the cap (900 > 100)");
    expect(text).toContain("- a note");
  });
});

describe("formatMarkdown", () => {
  test("pipes in figures are escaped", () => {
    expect(formatMarkdown([result({ figure: "a | b" })])).toContain("a \\| b");
  });
});
