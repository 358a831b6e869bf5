import { describe, expect, test } from "bun:test";
import { keepRecent, type RateSample, ratesOf } from "./view-rates.ts";

const sample = (at: number, stored: number, deliveredInWindow = 0): RateSample => ({
  at,
  stored,
  deliveredInWindow,
  windowMs: 10_000,
});

describe("ratesOf", () => {
  test("no samples, or one, give no stored rate", () => {
    expect(ratesOf([])).toEqual({ storedPerSec: null, deliveredPerSec: 0 });
    expect(ratesOf([sample(0, 100, 50)])).toEqual({ storedPerSec: null, deliveredPerSec: 5 });
  });

  test("stored rows per second between the oldest and newest sample; delivered over the last window", () => {
    expect(ratesOf([sample(0, 100), sample(2000, 130), sample(4000, 160, 25)])).toEqual({
      storedPerSec: 15,
      deliveredPerSec: 2.5,
    });
  });

  test("samples under a second apart give no stored rate, and a sequence that went back counts as zero", () => {
    expect(ratesOf([sample(0, 100), sample(500, 200)]).storedPerSec).toBeNull();
    expect(ratesOf([sample(0, 100), sample(2000, 50)]).storedPerSec).toBe(0);
  });
});

describe("keepRecent", () => {
  test("keeps the samples of the window and the latest, in order", () => {
    const kept = keepRecent([sample(0, 1), sample(5000, 2), sample(9000, 3)], sample(12_000, 4), 10_000);
    expect(kept.map((s) => s.at)).toEqual([5000, 9000, 12_000]);
  });
});
