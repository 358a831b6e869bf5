import { mb } from "../figures-rows.ts";
import type { LatencySummary } from "../histogram.ts";
import { formatNumber, ms, type ReportTable } from "../report.ts";
import type { PeerShape } from "./peer-system.ts";

/** The mesh broker's name in the tables; every ratio is the broker's figure over a peer's. */
export const BROKER_SYSTEM = "mesh broker (fsync before ack)";

/** One system's figures on one shape, or why it did not run. */
export type PeerRun =
  | {
      system: string;
      msgsPerSecond: number;
      sendToPush: LatencySummary;
      /** Peak server RSS in kB over the run, when visible. */
      peakRssKb: number | undefined;
      /** CPU shares of the whole machine over the run, in %: the server's (the broker's with Postgres'), the load generator's, all busy. */
      cpu: { server?: number; loadGenerator?: number; machineBusy?: number };
    }
  | { system: string; skipped: string };

/** `a ÷ b`, NaN when either is missing or `b` is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return Number.NaN;
  return a / b;
}

/** "0.77×", or "n/a". */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a";
}

/** "100×1000, window 8". */
export function shapeLabel(shape: PeerShape): string {
  return `${shape.peers}×${shape.messagesPerPeer}, window ${shape.window}`;
}

/** "12 %", or "n/a". */
function percent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "n/a" : `${value.toFixed(0)} %`;
}

/**
 * One shape's table: per system, msgs/s, send→push p50 / p99 and the
 * server's peak RSS, then the CPU it and the load generator used and how
 * busy the whole machine was (a busy machine or a saturated load generator
 * bounds every figure).
 */
export function shapeTable(shape: PeerShape, payloadBytes: number, runs: readonly PeerRun[]): ReportTable {
  return {
    title: `peers ${shapeLabel(shape)} — ${payloadBytes}-byte payloads, publish confirmed once stored, consumer acks`,
    rows: runs.flatMap((run) =>
      "skipped" in run
        ? [{ metric: run.system, value: `skipped: ${run.skipped}` }]
        : [
            {
              metric: run.system,
              value: `${formatNumber(run.msgsPerSecond)} msgs/s; send→push p50 / p99 ${ms(run.sendToPush.p50)} / ${ms(run.sendToPush.p99)}; peak RSS ${mb(run.peakRssKb)}`,
            },
            {
              metric: "  CPU: server / load generator / machine busy",
              value: `${percent(run.cpu.server)} / ${percent(run.cpu.loadGenerator)} / ${percent(run.cpu.machineBusy)}`,
            },
          ],
    ),
  };
}

/**
 * The broker ÷ each peer that ran: msgs/s on the throughput shapes (above 1×
 * the broker is faster), send→push p50 / p99 on the latency shapes and peak
 * RSS on the largest shape (below 1× the broker is quicker or smaller).
 */
export function ratioTable(results: readonly { shape: PeerShape; runs: readonly PeerRun[] }[]): ReportTable {
  const rows: ReportTable["rows"] = [];
  const ran = (runs: readonly PeerRun[], system: string) => {
    const run = runs.find((r) => r.system === system);
    return run && !("skipped" in run) ? run : undefined;
  };
  const largest = results.reduce<(typeof results)[number] | undefined>(
    (best, r) =>
      best === undefined || r.shape.peers * r.shape.messagesPerPeer > best.shape.peers * best.shape.messagesPerPeer
        ? r
        : best,
    undefined,
  );
  const peers = [...new Set(results.flatMap((r) => r.runs.map((run) => run.system)))].filter(
    (s) => s !== BROKER_SYSTEM,
  );
  for (const system of peers) {
    for (const { shape, runs } of results) {
      const broker = ran(runs, BROKER_SYSTEM);
      const peer = ran(runs, system);
      if (!broker || !peer) continue;
      if (shape.measures === "throughput") {
        const r = ratio(broker.msgsPerSecond, peer.msgsPerSecond);
        rows.push({
          metric: `÷ ${system}: ${shapeLabel(shape)} msgs/s`,
          value: `${formatRatio(r)} (${formatNumber(broker.msgsPerSecond)} ÷ ${formatNumber(peer.msgsPerSecond)})`,
        });
      } else {
        const p50 = ratio(broker.sendToPush.p50, peer.sendToPush.p50);
        const p99 = ratio(broker.sendToPush.p99, peer.sendToPush.p99);
        rows.push({
          metric: `÷ ${system}: ${shapeLabel(shape)} send→push p50 / p99`,
          value: `${formatRatio(p50)} / ${formatRatio(p99)}`,
        });
      }
      if (shape === largest?.shape) {
        rows.push({
          metric: `÷ ${system}: peak server RSS (${shapeLabel(shape)})`,
          value: formatRatio(ratio(broker.peakRssKb, peer.peakRssKb)),
        });
      }
    }
  }
  return {
    title: "peers: mesh broker ÷ each (msgs/s above 1×, latency and RSS below 1× favour the broker)",
    rows,
  };
}
