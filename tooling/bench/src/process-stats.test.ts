import { describe, expect, test } from "bun:test";
import { parseMachineCpu, parseProcStat, parseProcStatus } from "./process-stats.ts";

describe("parseProcStat", () => {
  test("reads ppid and cpu ticks after a command name with spaces and parentheses", () => {
    const text = "4242 (postgres: mesh (x) idle) S 4000 4242 4242 0 -1 4194560 500 0 0 0 250 75 30 20 20 0 1 0 100 0 0";
    expect(parseProcStat(text)).toEqual({ ppid: 4000, cpu: { own: 3.25, reapedChildren: 0.5 } });
  });

  test("garbage is undefined, not zero", () => {
    expect(parseProcStat("nothing here")).toBeUndefined();
    expect(parseProcStat("1 (x) S 2")).toBeUndefined();
  });
});

describe("parseProcStatus", () => {
  test("VmRSS and VmHWM in kB", () => {
    const text = "Name:\tbun\nVmPeak:\t 900 kB\nVmHWM:\t  81234 kB\nVmRSS:\t  60000 kB\nThreads:\t7\n";
    expect(parseProcStatus(text)).toEqual({ rss: 60000, peak: 81234 });
    expect(parseProcStatus("Name:\tx\n")).toBeUndefined();
  });
});

describe("parseMachineCpu", () => {
  test("busy, iowait and total seconds from the cpu line", () => {
    const text = "cpu  100 10 50 800 40 0 0 0 0 0\ncpu0 50 5 25 400 20 0 0 0 0 0\n";
    expect(parseMachineCpu(text)).toEqual({ busy: 1.6, iowait: 0.4, total: 10 });
  });
});
