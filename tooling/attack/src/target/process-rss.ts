import { readFileSync } from "node:fs";

/** VmRSS of process `pid` in bytes (from /proc), or undefined where there is no /proc or the process is gone. */
export function processRss(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a reading on an interval and keeps the peak. */
export class PeakSampler {
  #timer: ReturnType<typeof setInterval> | undefined;
  peak = 0;

  constructor(private readonly read: () => number | undefined) {}

  /** One reading now, counted towards the peak. */
  sample(): number | undefined {
    const value = this.read();
    if (value !== undefined) this.peak = Math.max(this.peak, value);
    return value;
  }

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** Bytes as MB with one decimal. */
export const mb = (bytes: number | undefined): string =>
  bytes === undefined ? "n/a" : `${(bytes / 1024 / 1024).toFixed(0)} MB`;
