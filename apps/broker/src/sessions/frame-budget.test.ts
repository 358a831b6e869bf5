import { describe, expect, test } from "bun:test";
import { FrameBudget } from "./frame-budget.ts";

const budget = () => new FrameBudget({ maxPendingFrames: 3, maxPendingBytes: 100, framesPerSecond: 10 });

describe("FrameBudget", () => {
  test("admits frames up to the pending count and bytes, and again once they are handled", () => {
    const b = budget();
    expect([b.admit(10), b.admit(10), b.admit(10), b.admit(10)]).toEqual([true, true, true, false]);
    b.done(10);
    expect(b.admit(10)).toBe(true);
    expect(b.pending).toEqual({ frames: 3, bytes: 30 });
    const big = budget();
    expect(big.admit(60)).toBe(true);
    expect(big.admit(41)).toBe(false);
    expect(big.admit(40)).toBe(true);
  });

  test("each frame type has its own bucket: twice the rate at once, then the rate per second", () => {
    const b = budget();
    const now = 1_000_000;
    const taken = (type: "set_status" | "heartbeat", at: number, n: number) =>
      Array.from({ length: n }, () => b.take(type, at).ok).filter(Boolean).length;
    expect(taken("set_status", now, 25)).toBe(20);
    // Another type is not affected by the first one's flood.
    expect(taken("heartbeat", now, 5)).toBe(5);
    expect(b.take("set_status", now + 100).ok).toBe(true);
    expect(b.take("set_status", now + 100).ok).toBe(false);
  });

  test("list_peers gets a tenth of the rate; send and client_ack are never limited here", () => {
    const b = budget();
    const now = 5_000_000;
    const results = Array.from({ length: 5 }, () => b.take("list_peers", now).ok);
    expect(results).toEqual([true, true, false, false, false]);
    for (let i = 0; i < 1000; i++) {
      expect(b.take("send", now).ok).toBe(true);
      expect(b.take("client_ack", now).ok).toBe(true);
    }
  });
});
