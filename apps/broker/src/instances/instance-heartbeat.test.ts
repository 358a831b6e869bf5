import { describe, expect, test } from "bun:test";
import { ReapGuard } from "./instance-heartbeat.ts";

describe("ReapGuard", () => {
  test("allows reaping only after a whole timeout of successful heartbeats", () => {
    const guard = new ReapGuard(2000);
    expect([0, 500, 1000, 1500].map((t) => guard.succeeded(t))).toEqual([false, false, false, false]);
    expect(guard.succeeded(2000)).toBe(true);
    expect(guard.succeeded(2500)).toBe(true);
  });

  test("a failed heartbeat (Postgres away) starts the wait over", () => {
    const guard = new ReapGuard(2000);
    for (const t of [0, 1000, 2000]) guard.succeeded(t);
    guard.failed();
    expect(guard.succeeded(60_000)).toBe(false);
    expect(guard.succeeded(61_000)).toBe(false);
    expect(guard.succeeded(62_000)).toBe(true);
  });

  test("a pause longer than the timeout (this process stalled) starts the wait over too", () => {
    const guard = new ReapGuard(2000);
    for (const t of [0, 1000, 2000]) guard.succeeded(t);
    expect(guard.succeeded(4500)).toBe(false);
    expect(guard.succeeded(6500)).toBe(true);
  });
});
