import { readdirSync, readFileSync } from "node:fs";
import { readMemory } from "../process-stats.ts";

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

/**
 * Samples the RSS of `pid` until the returned function is called, which
 * gives the largest sample in kB (undefined when the process is not visible).
 */
export function watchPeakRss(pid: number | undefined): () => number | undefined {
  if (pid === undefined) return () => undefined;
  let peak: number | undefined;
  const sample = () => {
    const rss = readMemory(pid)?.rss;
    if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}
