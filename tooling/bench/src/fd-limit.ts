import { spawnSync } from "node:child_process";
import { readOpenFileLimit } from "./process-stats.ts";

/** The open-file limit a process ended up with. */
export interface FdLimit {
  pid: number;
  soft: number;
  hard: number;
  /** What raising it tried, when it had to. */
  note: string;
}

/**
 * Makes sure `pid` may hold `needed` descriptors. Bun has no setrlimit API
 * (it raises its own soft limit to the hard one at start-up), so this asks
 * util-linux's `prlimit` to raise soft and hard; lifting the hard limit needs
 * CAP_SYS_RESOURCE, which a container often lacks — then the soft limit goes
 * to the hard one and the note says so.
 */
export function ensureOpenFileLimit(pid: number, needed: number): FdLimit {
  const before = readOpenFileLimit(pid);
  if (!before) return { pid, soft: Number.NaN, hard: Number.NaN, note: "limit not readable" };
  if (before.soft >= needed) return { pid, ...before, note: "enough already" };
  const target = Math.max(needed, 65_536);
  const attempts = [`${target}:${Math.max(target, before.hard)}`, `${Math.min(target, before.hard)}:${before.hard}`];
  for (const value of attempts) {
    const result = spawnSync("prlimit", [`--pid=${pid}`, `--nofile=${value}`], { encoding: "utf8" });
    const after = readOpenFileLimit(pid);
    if (result.status === 0 && after && after.soft >= needed)
      return { pid, ...after, note: `raised with prlimit ${value}` };
  }
  const after = readOpenFileLimit(pid) ?? before;
  return { pid, ...after, note: `could not raise to ${needed} (no CAP_SYS_RESOURCE?)` };
}
