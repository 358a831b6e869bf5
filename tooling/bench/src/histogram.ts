/** Percentiles of one latency series, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * The nearest-rank percentile (`q` in 0..1) of an ascending array: the
 * smallest sample with at least `q` of all samples at or below it.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] as number;
}

/**
 * Records every sample (a run holds at most a few hundred thousand), so the
 * percentiles are exact rather than bucketed.
 */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private size = 0;

  /** Adds one sample (milliseconds). */
  record(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size] = ms;
    this.size += 1;
  }

  get count(): number {
    return this.size;
  }

  /** The percentiles of everything recorded so far. */
  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.size).sort();
    let total = 0;
    for (const v of sorted) total += v;
    return {
      count: this.size,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: this.size === 0 ? Number.NaN : (sorted[this.size - 1] as number),
      mean: this.size === 0 ? Number.NaN : total / this.size,
    };
  }
}
