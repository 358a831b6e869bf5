import { describe, expect, test } from "bun:test";
import { formatNumber, formatTable, ms } from "./report.ts";

describe("formatNumber", () => {
  test("groups thousands, keeps decimals on small values, n/a for NaN", () => {
    expect(formatNumber(12345.6)).toBe("12,346");
    expect(formatNumber(12.345)).toBe("12.3");
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(Number.NaN)).toBe("n/a");
    expect(ms(1.234)).toBe("1.23 ms");
    expect(ms(Number.POSITIVE_INFINITY)).toBe("n/a");
  });
});

describe("formatTable", () => {
  test("aligns columns, right-aligns values, adds a target column only when needed", () => {
    const text = formatTable({
      title: "W1 direct",
      rows: [
        { metric: "msgs/s", value: "12,000", target: ">= 10,000" },
        { metric: "delivered", value: "100 %" },
      ],
    });
    expect(text.split("\n")).toEqual([
      "### W1 direct",
      "| metric    |  value | target    |",
      "|-----------|--------|-----------|",
      "| msgs/s    | 12,000 | >= 10,000 |",
      "| delivered |  100 % |           |",
    ]);
    expect(formatTable({ title: "t", rows: [{ metric: "a", value: "1" }] }).split("\n")[1]).toBe("| metric | value |");
  });
});
