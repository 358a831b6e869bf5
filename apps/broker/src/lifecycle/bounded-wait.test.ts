import { describe, expect, test } from "bun:test";
import { settlesWithin } from "./bounded-wait.ts";

describe("settlesWithin", () => {
  test("true as soon as the work is done, whether it fulfilled or failed", async () => {
    const started = performance.now();
    expect(await settlesWithin(Bun.sleep(10), 5000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error("the database went away")), 5000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("false once the bound passes with the work still pending; the work itself is not awaited", async () => {
    const started = performance.now();
    expect(await settlesWithin(new Promise(() => {}), 50)).toBe(false);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(waited).toBeLessThan(2000);
  });

  test("work that fails after the bound passed is not reported as unhandled", async () => {
    let fail: (e: Error) => void = () => {};
    const late = new Promise<never>((_, reject) => {
      fail = reject;
    });
    expect(await settlesWithin(late, 10)).toBe(false);
    fail(new Error("connect timeout"));
    await Bun.sleep(10);
  });
});
