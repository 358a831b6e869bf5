import { describe, expect, test } from "bun:test";
import { Prng } from "./prng.ts";

describe("Prng", () => {
  test("the same seed gives the same sequence", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const drawsA = Array.from({ length: 50 }, () => a.int(0, 1000));
    const drawsB = Array.from({ length: 50 }, () => b.int(0, 1000));
    expect(drawsA).toEqual(drawsB);
    expect(new Set(drawsA).size).toBeGreaterThan(30);
  });

  test("different seeds diverge", () => {
    expect(new Prng(1).string(16)).not.toBe(new Prng(2).string(16));
  });

  test("int stays in bounds and reaches both ends", () => {
    const p = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = p.int(-3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });

  test("a fork is reproducible and independent of later parent draws", () => {
    const a = new Prng(9).fork();
    const parent = new Prng(9);
    const b = parent.fork();
    parent.next();
    expect(a.next()).toBe(b.next());
  });
});
