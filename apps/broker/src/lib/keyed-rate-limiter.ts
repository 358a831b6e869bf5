import { type TakeResult, TokenBucket } from "./token-bucket.ts";

/**
 * One token bucket per key (a hook's pid and cwd, a sender member), with a
 * bounded number of keys so a flood of
 * distinct cwds cannot grow memory without bound. Pure: the caller passes
 * the clock.
 */
export class KeyedRateLimiter {
  /** In least-recently-used order: a take moves its key to the end. */
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly options: {
      /** Takes allowed at once, and refilled per `periodMs`. */
      capacity: number;
      periodMs: number;
      /** Most keys tracked at once. */
      maxKeys: number;
    },
  ) {
    if (!(options.maxKeys >= 1)) throw new RangeError("maxKeys must be >= 1");
  }

  /** Takes one token from `key`'s bucket at `now`. */
  take(key: string, now: number): TakeResult {
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
    } else {
      this.makeRoom(now);
      bucket = new TokenBucket(this.options.capacity, this.options.periodMs, now);
    }
    this.buckets.set(key, bucket);
    return bucket.take(now);
  }

  /** Keys tracked now. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * At the cap, forgets every full bucket (a full bucket is the same as a new
   * one, so nothing is lost), then — if a flood within one period left too
   * many — the least recently used, down to 90 % of the cap so the next sweep
   * is at least a tenth of the cap of new keys away.
   */
  private makeRoom(now: number): void {
    if (this.buckets.size < this.options.maxKeys) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.isFull(now)) this.buckets.delete(key);
    }
    const target = Math.floor(this.options.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}
