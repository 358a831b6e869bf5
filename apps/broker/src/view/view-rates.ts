import type { ViewRates } from "./view-state.ts";

/** What one read of the rates found. */
export interface RateSample {
  /** When it was read (this process's clock). */
  at: number;
  /** Queue rows stored so far (the row-id sequence). */
  stored: number;
  /** Rows marked delivered in the `windowMs` before `at`. */
  deliveredInWindow: number;
  windowMs: number;
}

/** Samples closer together than this give no stored rate: one read's jitter would dominate it. */
const MIN_SPAN_MS = 1000;

/** Keeps the samples of the last `windowMs` (and `latest`): what `ratesOf` needs, nothing older. */
export function keepRecent(samples: readonly RateSample[], latest: RateSample, windowMs: number): RateSample[] {
  return [...samples.filter((s) => latest.at - s.at <= windowMs && s.at < latest.at), latest];
}

/** Rows stored per second between the oldest and newest sample, delivered per second over the last window. */
export function ratesOf(samples: readonly RateSample[]): ViewRates {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return { storedPerSec: null, deliveredPerSec: 0 };
  const span = last.at - first.at;
  const storedPerSec = span >= MIN_SPAN_MS ? round1((Math.max(0, last.stored - first.stored) * 1000) / span) : null;
  return { storedPerSec, deliveredPerSec: round1((last.deliveredInWindow * 1000) / last.windowMs) };
}

/** One decimal: enough for a rate on a screen, and a diff is not sent for noise below it. */
function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
