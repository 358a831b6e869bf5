import type { DeliveryFigures } from "./delivery-tracker.ts";
import type { LatencySummary } from "./histogram.ts";
import { formatNumber, ms, type ReportRow } from "./report.ts";
import type { ResourceUsage } from "./resource-usage.ts";

/** "p50 / p99 / max" of a latency series. */
export function latencyTriple(s: LatencySummary, third: "max" | "p999" = "max"): string {
  return `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s[third])}`;
}

/** Delivered share in %, to two decimals below 100. */
export function deliveredPercent(f: DeliveryFigures): number {
  return f.expected === 0 ? 100 : (100 * f.delivered) / f.expected;
}

/** "100 %" or "99.87 %". */
export function percentText(value: number): string {
  return value >= 100 ? "100 %" : `${value.toFixed(2)} %`;
}

/** kB as MB with one decimal. */
export function mb(kb: number | undefined): string {
  return kb === undefined ? "n/a" : `${(kb / 1024).toFixed(1)} MB`;
}

/** The rows every delivery workload shares. */
export function deliveryRows(f: DeliveryFigures): ReportRow[] {
  const rows: ReportRow[] = [
    {
      metric: "delivered",
      value: `${percentText(deliveredPercent(f))} (${formatNumber(f.delivered)} of ${formatNumber(f.expected)})`,
    },
    { metric: "send→ack p50 / p99 / max", value: latencyTriple(f.sendToAck) },
    { metric: "send→push p50 / p99 / max", value: latencyTriple(f.sendToPush) },
  ];
  if (f.redelivered > 0)
    rows.push({ metric: "redelivered pushes (at-least-once)", value: formatNumber(f.redelivered) });
  const errors = Object.entries(f.errors);
  if (errors.length > 0) rows.push({ metric: "error frames", value: errors.map(([k, v]) => `${k}×${v}`).join(", ") });
  return rows;
}

/**
 * The rows of a stretch's resource usage; with several brokers (W7) their
 * peaks are summed and their CPU shown as the sum and each instance's part.
 */
export function usageRows(u: ResourceUsage, options: { peakTarget?: string } = {}): ReportRow[] {
  const pct = (v: number | undefined) => (v === undefined ? "n/a" : `${v.toFixed(0)} %`);
  const instances = u.cpuShare.perBroker.length;
  const peak = u.peakResetOk ? "peak RSS (VmHWM)" : "peak RSS (VmHWM since start)";
  const brokerCpu =
    instances > 1
      ? `${pct(u.cpuShare.broker)} (${u.cpuShare.perBroker.map((v) => (v === undefined ? "n/a" : v.toFixed(0))).join(" + ")})`
      : pct(u.cpuShare.broker);
  return [
    {
      metric: instances > 1 ? `brokers' ${peak}, sum of ${instances}` : `broker ${peak}`,
      value: mb(u.brokerRssKb.peak),
      ...(options.peakTarget ? { target: options.peakTarget } : {}),
    },
    {
      metric: `CPU share of machine: ${instances > 1 ? "brokers (sum: each)" : "broker"} / Postgres / load gen`,
      value: `${brokerCpu} / ${pct(u.cpuShare.postgres)} / ${pct(u.cpuShare.loadGenerator)}`,
    },
    {
      metric: "machine: busy / iowait / other processes",
      value: `${pct(u.machine.busy)} / ${pct(u.machine.iowait)} / ${pct(u.machine.others)}`,
    },
  ];
}

/** Failures common to delivery workloads: lost envelopes, error frames, a stall. */
export function deliveryFailures(name: string, f: DeliveryFigures, stalled: string | undefined): string[] {
  const failures: string[] = [];
  if (stalled) failures.push(`${name}: ${stalled}`);
  else if (f.delivered < f.expected) failures.push(`${name}: delivered ${f.delivered} of ${f.expected}`);
  const errors = Object.entries(f.errors);
  if (errors.length > 0) failures.push(`${name}: error frames ${JSON.stringify(f.errors)}`);
  return failures;
}
