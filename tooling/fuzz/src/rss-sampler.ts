/** Samples a process's RSS on an interval and keeps the peak. */
export class RssSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  peakBytes = 0;

  constructor(private readonly read: () => number | undefined) {}

  /** One reading now (also counted towards the peak). */
  sample(): number | undefined {
    const value = this.read();
    if (value !== undefined) this.peakBytes = Math.max(this.peakBytes, value);
    return value;
  }

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Did memory settle? After a second identical round RSS may exceed the first
 * round's by a quarter plus 16 MiB of allocator and JIT slack, no more.
 */
export function rssSettled(afterFirst: number, afterSecond: number): boolean {
  return afterSecond <= afterFirst * 1.25 + 16 * 1024 * 1024;
}
