import { describe, expect, test } from "bun:test";
import { TokenBucket } from "./token-bucket.ts";

const MINUTE = 60_000;

describe("TokenBucket", () => {
  test("a new bucket allows `capacity` takes at once, then refuses", () => {
    const bucket = new TokenBucket(3, MINUTE, 1000);
    expect([bucket.take(1000), bucket.take(1000), bucket.take(1000)]).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    expect(bucket.take(1000)).toEqual({ ok: false, retryAfterMs: 20_000 });
  });

  test("refills one token per period / capacity, and says how long until then", () => {
    const bucket = new TokenBucket(3, MINUTE, 0);
    for (let i = 0; i < 3; i++) bucket.take(0);
    expect(bucket.take(5_000)).toEqual({ ok: false, retryAfterMs: 15_000 });
    expect(bucket.take(19_999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(bucket.take(20_000)).toEqual({ ok: true });
    expect(bucket.take(20_000)).toEqual({ ok: false, retryAfterMs: 20_000 });
  });

  test("a refused take costs nothing", () => {
    const bucket = new TokenBucket(1, MINUTE, 0);
    bucket.take(0);
    for (let t = 0; t < MINUTE; t += 1000) expect(bucket.take(t).ok).toBe(false);
    expect(bucket.take(MINUTE)).toEqual({ ok: true });
  });

  test("never holds more than capacity, however long it idles", () => {
    const bucket = new TokenBucket(2, MINUTE, 0);
    const later = 10 * MINUTE;
    expect([bucket.take(later), bucket.take(later), bucket.take(later).ok]).toEqual([
      { ok: true },
      { ok: true },
      false,
    ]);
  });

  test("capacities that do not divide the period stay exact over many refills", () => {
    const bucket = new TokenBucket(7, MINUTE, 0);
    let allowed = 0;
    // One take per ms for ten minutes: the burst of 7, then exactly 7 per minute.
    for (let t = 0; t < 10 * MINUTE; t++) if (bucket.take(t).ok) allowed += 1;
    expect(allowed).toBe(7 + 7 * 10 - 1);
  });

  test("is full again once everything taken has refilled", () => {
    const bucket = new TokenBucket(3, MINUTE, 0);
    expect(bucket.isFull(0)).toBe(true);
    bucket.take(0);
    expect(bucket.isFull(0)).toBe(false);
    expect(bucket.isFull(19_999)).toBe(false);
    expect(bucket.isFull(20_000)).toBe(true);
  });

  test("a clock that steps back does not mint tokens", () => {
    const bucket = new TokenBucket(1, MINUTE, 50_000);
    bucket.take(50_000);
    expect(bucket.take(0).ok).toBe(false);
    expect(bucket.take(50_000).ok).toBe(false);
  });

  test("refuses a non-positive capacity or period", () => {
    expect(() => new TokenBucket(0, MINUTE, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(RangeError);
  });
});
