import { describe, expect, test } from "bun:test";
import { parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  test("reads seconds, minutes, hours, days and weeks", () => {
    expect(parseDuration("45s")).toBe(45_000);
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration(" 7d ")).toBe(604_800_000);
    expect(parseDuration("2w")).toBe(1_209_600_000);
  });

  test("refuses zero, missing or unknown units, fractions, signs and values over the cap", () => {
    for (const bad of ["", "0h", "24", "h", "1.5h", "-1h", "+1h", "1y", "1 h", "1H", "9999999999d"]) {
      expect(parseDuration(bad)).toBeUndefined();
    }
    expect(parseDuration("366d", 365 * 86_400_000)).toBeUndefined();
    expect(parseDuration("365d", 365 * 86_400_000)).toBe(365 * 86_400_000);
  });
});
