import { describe, expect, test } from "bun:test";
import { KeyedRateLimiter } from "./keyed-rate-limiter.ts";

const MINUTE = 60_000;

describe("KeyedRateLimiter", () => {
  test("each key has its own bucket", () => {
    const limiter = new KeyedRateLimiter({ capacity: 2, periodMs: MINUTE, maxKeys: 100 });
    expect(limiter.take("a", 0).ok).toBe(true);
    expect(limiter.take("a", 0).ok).toBe(true);
    expect(limiter.take("a", 0)).toEqual({ ok: false, retryAfterMs: 30_000 });
    expect(limiter.take("b", 0).ok).toBe(true);
    expect(limiter.take("a", 30_000).ok).toBe(true);
  });

  test("at the cap, full buckets are forgotten and busy ones kept", () => {
    const limiter = new KeyedRateLimiter({ capacity: 1, periodMs: MINUTE, maxKeys: 3 });
    limiter.take("busy", 30_000);
    limiter.take("idle-1", 0);
    limiter.take("idle-2", 0);
    expect(limiter.size).toBe(3);
    // At 60 s the idle ones are full again; "busy" still owes half a period.
    expect(limiter.take("new", MINUTE).ok).toBe(true);
    expect(limiter.size).toBe(2);
    expect(limiter.take("busy", MINUTE)).toEqual({ ok: false, retryAfterMs: 30_000 });
  });

  test("a flood of distinct keys within one period stays under the cap", () => {
    const maxKeys = 1000;
    const limiter = new KeyedRateLimiter({ capacity: 5, periodMs: MINUTE, maxKeys });
    let biggest = 0;
    for (let i = 0; i < 50_000; i++) {
      expect(limiter.take(`/flood/${i}`, i).ok).toBe(true);
      biggest = Math.max(biggest, limiter.size);
    }
    expect(biggest).toBe(maxKeys);
  });

  test("under a flood the least recently used key goes first, a recently used one stays", () => {
    const limiter = new KeyedRateLimiter({ capacity: 1, periodMs: MINUTE, maxKeys: 10 });
    limiter.take("kept", 0);
    limiter.take("dropped", 0);
    for (let i = 0; i < 8; i++) limiter.take(`k${i}`, 0);
    // Touch "kept" so "dropped" is now the oldest; the next new key evicts from the front.
    expect(limiter.take("kept", 0).ok).toBe(false);
    limiter.take("new", 0);
    expect(limiter.size).toBe(10);
    expect(limiter.take("kept", 0).ok).toBe(false);
    // Forgotten, so it starts again with a full bucket.
    expect(limiter.take("dropped", 0).ok).toBe(true);
  });

  test("refuses a cap below one", () => {
    expect(() => new KeyedRateLimiter({ capacity: 1, periodMs: MINUTE, maxKeys: 0 })).toThrow(RangeError);
  });
});
