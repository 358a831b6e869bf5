import { readdirSync, readFileSync } from "node:fs";
import { readCpuSeconds, readMachineCpu, readMemory } from "../process-stats.ts";

/** How often the peak of a server we do not own is sampled (its kernel peak mark is not ours to reset). */
const SAMPLE_INTERVAL_MS = 100;

/**
 * The one process whose command name (`/proc/<pid>/comm`) is `name`,
 * other than `exclude`; when several match, the one whose command line
 * holds `hint`. Undefined when none or still several (the RSS is then "n/a").
 */
export function findServerPid(
  name: string,
  options: { exclude?: readonly number[]; hint?: string } = {},
): number | undefined {
  const matches: { pid: number; cmdline: string }[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (options.exclude?.includes(pid)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== name) continue;
      matches.push({ pid, cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ") });
    } catch {
      // The process ended while we looked.
    }
  }
  if (matches.length === 1) return matches[0]?.pid;
  const hinted = options.hint === undefined ? [] : matches.filter((m) => m.cmdline.includes(options.hint as string));
  return hinted.length === 1 ? hinted[0]?.pid : undefined;
}

/** A server's cost over one run: its peak RSS, and CPU as shares of the whole machine (all cores), in %. */
export interface ServerUsage {
  peakRssKb: number | undefined;
  cpu: { server?: number; loadGenerator?: number; machineBusy?: number };
}

/** CPU seconds as a share of `cores` cores over `wallSeconds`, in %; undefined when either end is missing. */
export function cpuShare(
  start: number | undefined,
  end: number | undefined,
  wallSeconds: number,
  cores: number,
): number | undefined {
  if (start === undefined || end === undefined || !(wallSeconds > 0) || !(cores > 0)) return undefined;
  return (100 * (end - start)) / (wallSeconds * cores);
}

/**
 * Watches the server `pid` (and this load generator) until the returned
 * function is called: the largest RSS sampled every 100 ms (its kernel peak
 * mark is not ours to reset) and the CPU each used.
 */
export function watchServer(pid: number | undefined, cores: number): () => ServerUsage {
  let peak: number | undefined;
  const sample = () => {
    const rss = pid === undefined ? undefined : readMemory(pid)?.rss;
    if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
  };
  const t0 = performance.now();
  const server0 = pid === undefined ? undefined : readCpuSeconds(pid);
  const own0 = readCpuSeconds(process.pid);
  const machine0 = readMachineCpu();
  sample();
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
  return () => {
    clearInterval(timer);
    sample();
    const wallSeconds = (performance.now() - t0) / 1000;
    const machine1 = readMachineCpu();
    const machineBusy =
      machine0 && machine1 && machine1.total > machine0.total
        ? (100 * (machine1.busy - machine0.busy)) / (machine1.total - machine0.total)
        : undefined;
    return {
      peakRssKb: peak,
      cpu: {
        server: cpuShare(server0, pid === undefined ? undefined : readCpuSeconds(pid), wallSeconds, cores),
        loadGenerator: cpuShare(own0, readCpuSeconds(process.pid), wallSeconds, cores),
        machineBusy,
      },
    };
  };
}
