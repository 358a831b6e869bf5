import { describe, expect, test } from "bun:test";
import { bucketAllowance, formatMs, quantile } from "./stats.ts";

describe("quantile", () => {
  test("nearest rank over the sorted values; none is undefined", () => {
    expect(quantile([], 0.99)).toBeUndefined();
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([5, 1, 3], 0.99)).toBe(5);
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBe(99);
  });
});

describe("formatMs", () => {
  test("ms below a second, seconds above", () => {
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(1500)).toBe("1.5 s");
    expect(formatMs(undefined)).toBe("n/a");
  });
});

describe("bucketAllowance", () => {
  test("the burst plus the refill over the window, with a quarter of slack", () => {
    expect(bucketAllowance(20, 3)).toBe(Math.ceil((40 + 60) * 1.25));
    expect(bucketAllowance(1, 60, 60)).toBe(150);
  });
});
