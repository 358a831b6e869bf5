/** The outcome of taking one token: allowed, or refused with how long until one is back. */
export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * A token bucket of `capacity` tokens refilling continuously at `capacity`
 * per `periodMs`, kept as the time at which it will be full again (GCRA).
 * Pure: the caller passes the clock, so it is tested without timers.
 *
 * Times are scaled by `capacity` internally so that one token is exactly
 * `periodMs` scaled units: integer clocks never accumulate rounding errors.
 */
export class TokenBucket {
  /** When the bucket is full again, in scaled units (ms × capacity). */
  private fullAt: number;

  constructor(
    private readonly capacity: number,
    private readonly periodMs: number,
    now: number,
  ) {
    if (!(capacity > 0) || !(periodMs > 0)) throw new RangeError("capacity and periodMs must be > 0");
    this.fullAt = now * capacity;
  }

  /** Takes one token at `now`, or says how many ms until one is available. */
  take(now: number): TakeResult {
    const scaledNow = now * this.capacity;
    const fullAt = Math.max(this.fullAt, scaledNow) + this.periodMs;
    const overflow = fullAt - scaledNow - this.periodMs * this.capacity;
    if (overflow > 0) return { ok: false, retryAfterMs: overflow / this.capacity };
    this.fullAt = fullAt;
    return { ok: true };
  }

  /** True when no token is missing at `now`: the bucket is as good as a new one. */
  isFull(now: number): boolean {
    return this.fullAt <= now * this.capacity;
  }
}
