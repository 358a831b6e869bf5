import { describe, expect, test } from "bun:test";
import { LatencyRecorder, percentile } from "./histogram.ts";

describe("percentile", () => {
  test("nearest rank over 1..100", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 0.999)).toBe(100);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
  });

  test("a single sample is every percentile", () => {
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([7], 0.999)).toBe(7);
  });

  test("no samples give NaN", () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe("LatencyRecorder", () => {
  test("sorts numerically and grows past its first buffer", () => {
    const r = new LatencyRecorder();
    for (let i = 3000; i >= 1; i--) r.record(i / 10);
    const s = r.summary();
    expect(s.count).toBe(3000);
    expect(s.p50).toBe(150);
    expect(s.p99).toBe(297);
    expect(s.p999).toBe(299.7);
    expect(s.max).toBe(300);
    expect(s.mean).toBeCloseTo(150.05, 6);
  });

  test("an empty recorder reports NaN, not zero", () => {
    const s = new LatencyRecorder().summary();
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
    expect(s.max).toBeNaN();
  });
});
