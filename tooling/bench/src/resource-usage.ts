import { readCpuSeconds, readMachineCpu, readMemory, readTreeCpuSeconds, resetPeakRss } from "./process-stats.ts";

/** CPU and memory over one measured stretch. */
export interface ResourceUsage {
  wallSeconds: number;
  /** CPU seconds per process (group); undefined when not visible. */
  cpuSeconds: { broker?: number; postgres?: number; loadGenerator?: number };
  /** Share of the whole machine (all cores) each used over the stretch, in %. */
  cpuShare: { broker?: number; postgres?: number; loadGenerator?: number };
  /**
   * The whole machine over the stretch, in % of all cores: busy, waiting on
   * disk, and busy in processes other than these three (anything else running).
   */
  machine: { busy?: number; iowait?: number; others?: number };
  /** Broker RSS at the start and end, and its peak over the stretch, in kB. */
  brokerRssKb: { start?: number; end?: number; peak?: number };
  /** False when the kernel refused to reset the peak mark: `peak` is then the peak since start-up. */
  peakResetOk: boolean;
}

/** The processes whose usage a stretch records. */
export interface Watched {
  brokerPid: number;
  postmasterPid: number | undefined;
}

/** Starts measuring now; call the returned function at the end of the stretch. */
export function startUsage(watched: Watched, cores: number): () => ResourceUsage {
  const peakResetOk = resetPeakRss(watched.brokerPid);
  const startMemory = readMemory(watched.brokerPid);
  const t0 = performance.now();
  const cpu0 = sampleCpu(watched);
  const machine0 = readMachineCpu();
  return () => {
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu1 = sampleCpu(watched);
    const machine1 = readMachineCpu();
    const endMemory = readMemory(watched.brokerPid);
    const diff = (k: keyof typeof cpu0) => {
      const a = cpu0[k];
      const b = cpu1[k];
      return a === undefined || b === undefined ? undefined : b - a;
    };
    const cpuSeconds = { broker: diff("broker"), postgres: diff("postgres"), loadGenerator: diff("loadGenerator") };
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
      },
      brokerRssKb: { start: startMemory?.rss, end: endMemory?.rss, peak: endMemory?.peak },
      peakResetOk,
    };
  };
}

function sampleCpu(w: Watched): { broker?: number; postgres?: number; loadGenerator?: number } {
  return {
    broker: readCpuSeconds(w.brokerPid),
    postgres: w.postmasterPid === undefined ? undefined : readTreeCpuSeconds(w.postmasterPid),
    loadGenerator: readCpuSeconds(process.pid),
  };
}
