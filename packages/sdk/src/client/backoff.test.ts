import { expect, test } from "bun:test";
import { backoffDelay } from "./backoff.ts";

const options = { initialMs: 100, maxMs: 5000 };

test("doubles per attempt and stops at the cap", () => {
  const top = (attempt: number) => backoffDelay(attempt, options, () => 0.999_999);
  expect([0, 1, 2, 3].map(top)).toEqual([100, 200, 400, 800]);
  expect(top(6)).toBe(5000);
  expect(top(1000)).toBe(5000);
});

test("jitters within [half, full) of the capped delay", () => {
  expect(backoffDelay(3, options, () => 0)).toBe(400);
  for (let i = 0; i < 200; i++) {
    const delay = backoffDelay(2, options);
    expect(delay).toBeGreaterThanOrEqual(200);
    expect(delay).toBeLessThanOrEqual(400);
  }
});
