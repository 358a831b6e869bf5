import { describe, expect, test } from "bun:test";
import { hookRateKey } from "./hook-rate-key.ts";

describe("hookRateKey", () => {
  test("separates pids, an absent pid and cwds that look alike", () => {
    const keys = [
      hookRateKey(1, "/a"),
      hookRateKey(12, "/a"),
      hookRateKey(null, "/a"),
      hookRateKey(1, "2:/a"),
      hookRateKey(12, ":/a"),
      hookRateKey(0, "/a"),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(hookRateKey(7, "/a")).toBe(hookRateKey(7, "/a"));
  });
});
