import { readdirSync, readFileSync, writeFileSync } from "node:fs";

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ; 100 on every Linux we run on). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds a process used, itself and its reaped children. */
export interface CpuTimes {
  own: number;
  reapedChildren: number;
}

/**
 * Parses the text of `/proc/<pid>/stat`. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted after its last ')'.
 */
export function parseProcStat(text: string): { ppid: number; cpu: CpuTimes } | undefined {
  const end = text.lastIndexOf(")");
  if (end < 0) return undefined;
  // After ")": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
  const f = text
    .slice(end + 2)
    .trim()
    .split(" ");
  const n = (i: number) => Number(f[i] ?? Number.NaN);
  const ppid = n(1);
  const utime = n(11);
  const stime = n(12);
  const cutime = n(13);
  const cstime = n(14);
  if (![ppid, utime, stime, cutime, cstime].every(Number.isFinite)) return undefined;
  return {
    ppid,
    cpu: { own: (utime + stime) / CLOCK_TICKS_PER_SECOND, reapedChildren: (cutime + cstime) / CLOCK_TICKS_PER_SECOND },
  };
}

/** Resident memory of a process from `/proc/<pid>/status`, in kilobytes. */
export interface MemoryKb {
  rss: number;
  /** Peak RSS since start or since {@link resetPeakRss}. */
  peak: number;
}

/** Parses `VmRSS` and `VmHWM` out of `/proc/<pid>/status`. */
export function parseProcStatus(text: string): MemoryKb | undefined {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const rss = kb("VmRSS");
  const peak = kb("VmHWM");
  return rss === undefined || peak === undefined ? undefined : { rss, peak };
}

/** Current and peak RSS of `pid`, or undefined when it is gone or not visible. */
export function readMemory(pid: number): MemoryKb | undefined {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return undefined;
  }
}

/** Resets the kernel's peak-RSS mark (`VmHWM`) of `pid`; false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds `pid` used so far (its own time only). */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.cpu.own;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of a whole process tree rooted at `rootPid` (Postgres: the
 * postmaster, its live backends, and the reaped ones it accounted for).
 * Only direct children are walked: Postgres does not fork grandchildren.
 */
export function readTreeCpuSeconds(rootPid: number): number | undefined {
  let root: ReturnType<typeof parseProcStat>;
  try {
    root = parseProcStat(readFileSync(`/proc/${rootPid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  let total = root.cpu.own + root.cpu.reapedChildren;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      if (stat?.ppid === rootPid) total += stat.cpu.own;
    } catch {
      // The process ended while we walked: its time is now in the root's reaped children.
    }
  }
  return total;
}

/** The parent of `pid`, when visible. */
export function parentPid(pid: number): number | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.ppid;
  } catch {
    return undefined;
  }
}

/** The soft and hard open-file limits of `pid`, from `/proc/<pid>/limits`. */
export function readOpenFileLimit(pid: number | "self"): { soft: number; hard: number } | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const m = line ? /Max open files\s+(\S+)\s+(\S+)/.exec(line) : null;
    if (!m) return undefined;
    const n = (s: string | undefined) => (s === "unlimited" ? Number.POSITIVE_INFINITY : Number(s));
    return { soft: n(m[1]), hard: n(m[2]) };
  } catch {
    return undefined;
  }
}

/** Machine-wide CPU seconds from the first line of `/proc/stat` (all cores summed). */
export interface MachineCpu {
  busy: number;
  iowait: number;
  total: number;
}

/** Parses the `cpu` line of `/proc/stat`: user nice system idle iowait irq softirq steal. */
export function parseMachineCpu(text: string): MachineCpu | undefined {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return {
    busy: busy / CLOCK_TICKS_PER_SECOND,
    iowait: iowait / CLOCK_TICKS_PER_SECOND,
    total: (busy + idle + iowait) / CLOCK_TICKS_PER_SECOND,
  };
}

/** The machine's CPU counters now. */
export function readMachineCpu(): MachineCpu | undefined {
  try {
    return parseMachineCpu(readFileSync("/proc/stat", "utf8"));
  } catch {
    return undefined;
  }
}
