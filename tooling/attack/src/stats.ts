/** The `q` quantile (0..1) of `values` (nearest rank), or undefined when there are none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Milliseconds for people: `12 ms`, `1.5 s`, or `n/a`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "n/a";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The most a token bucket of `perSecond` refilled every second, holding
 * `burstFactor` seconds' worth, lets through in `seconds`, with 25 % slack
 * for timing: a rate limit "applies" when a flood got no more than this.
 */
export function bucketAllowance(perSecond: number, seconds: number, burstFactor = 2): number {
  return Math.ceil((perSecond * burstFactor + perSecond * seconds) * 1.25);
}
