import { readCpuSeconds, readMachineCpu, readMemory, readTreeCpuSeconds, resetPeakRss } from "./process-stats.ts";

/** CPU and memory over one measured stretch. */
export interface ResourceUsage {
  wallSeconds: number;
  /** CPU seconds per process (group), `broker` summed over the watched brokers; undefined when not visible. */
  cpuSeconds: { broker?: number; postgres?: number; loadGenerator?: number };
  /**
   * Share of the whole machine (all cores) each used over the stretch, in %;
   * `perBroker` splits `broker` by watched broker, in the order given.
   */
  cpuShare: { broker?: number; postgres?: number; loadGenerator?: number; perBroker: (number | undefined)[] };
  /**
   * The whole machine over the stretch, in % of all cores: busy, waiting on
   * disk, and busy in processes other than these three (anything else running).
   */
  machine: { busy?: number; iowait?: number; others?: number };
  /** Broker RSS at the start and end, and its peak over the stretch, in kB (each summed over the watched brokers). */
  brokerRssKb: { start?: number; end?: number; peak?: number };
  /** False when the kernel refused to reset the peak mark: `peak` is then the peak since start-up. */
  peakResetOk: boolean;
}

/** The processes whose usage a stretch records. */
export interface Watched {
  /** One broker, or every instance of a multi-instance run. */
  brokerPids: readonly number[];
  postmasterPid: number | undefined;
}

/** Starts measuring now; call the returned function at the end of the stretch. */
export function startUsage(watched: Watched, cores: number): () => ResourceUsage {
  // Every reset is attempted (no short-circuit), so each broker's peak starts now where allowed.
  const peakResetOk = watched.brokerPids.map(resetPeakRss).every(Boolean);
  const startMemory = sumMemory(watched.brokerPids);
  const t0 = performance.now();
  const cpu0 = sampleCpu(watched);
  const machine0 = readMachineCpu();
  return () => {
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu1 = sampleCpu(watched);
    const machine1 = readMachineCpu();
    const endMemory = sumMemory(watched.brokerPids);
    const diff = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? undefined : b - a;
    const perBroker = cpu0.brokers.map((a, i) => diff(a, cpu1.brokers[i]));
    const cpuSeconds = {
      broker: sumOrUndefined(perBroker),
      postgres: diff(cpu0.postgres, cpu1.postgres),
      loadGenerator: diff(cpu0.loadGenerator, cpu1.loadGenerator),
    };
    const share = (v: number | undefined) => (v === undefined ? undefined : (100 * v) / (wallSeconds * cores));
    const span = machine0 && machine1 ? machine1.total - machine0.total : undefined;
    const machinePct = (k: "busy" | "iowait") =>
      machine0 && machine1 && span ? (100 * (machine1[k] - machine0[k])) / span : undefined;
    const ours = (cpuSeconds.broker ?? 0) + (cpuSeconds.postgres ?? 0) + (cpuSeconds.loadGenerator ?? 0);
    const busy = machinePct("busy");
    return {
      wallSeconds,
      cpuSeconds,
      machine: {
        busy,
        iowait: machinePct("iowait"),
        others: busy === undefined || !span ? undefined : Math.max(0, busy - (100 * ours) / span),
      },
      cpuShare: {
        broker: share(cpuSeconds.broker),
        postgres: share(cpuSeconds.postgres),
        loadGenerator: share(cpuSeconds.loadGenerator),
        perBroker: perBroker.map(share),
      },
      brokerRssKb: { start: startMemory.rss, end: endMemory.rss, peak: endMemory.peak },
      peakResetOk,
    };
  };
}

/** The sum, or undefined when a part is not visible or there are no parts. */
function sumOrUndefined(parts: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const p of parts) {
    if (p === undefined) return undefined;
    total += p;
  }
  return parts.length === 0 ? undefined : total;
}

/** RSS and peak summed over `pids`; each undefined when any of them is not visible. */
function sumMemory(pids: readonly number[]): { rss?: number; peak?: number } {
  const each = pids.map(readMemory);
  return {
    rss: sumOrUndefined(each.map((m) => m?.rss)),
    peak: sumOrUndefined(each.map((m) => m?.peak)),
  };
}

function sampleCpu(w: Watched): { brokers: (number | undefined)[]; postgres?: number; loadGenerator?: number } {
  return {
    brokers: w.brokerPids.map(readCpuSeconds),
    postgres: w.postmasterPid === undefined ? undefined : readTreeCpuSeconds(w.postmasterPid),
    loadGenerator: readCpuSeconds(process.pid),
  };
}
