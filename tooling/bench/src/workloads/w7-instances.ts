import { createBenchMesh } from "../bench-fixture.ts";
import { countOver } from "../broker-counter.ts";
import { BrokerFleet } from "../broker-fleet.ts";
import { closeClients, connectPeers } from "../connect-peers.ts";
import { DeliveryTracker, trackingClientOptions, waitForDelivery } from "../delivery-tracker.ts";
import {
  deliveredPercent,
  deliveryFailures,
  deliveryRows,
  latencyTriple,
  percentText,
  usageRows,
} from "../figures-rows.ts";
import type { LatencySummary } from "../histogram.ts";
import { instancePairs, type PairKind, spreadOver } from "../instance-spread.ts";
import { formatNumber, ms, perSecond, type ReportRow } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";
import { baseLoadOptions, runDirectLoad } from "./direct-load.ts";
import { sendAtRate } from "./fixed-rate-load.ts";

/** The broker counter of wake-ups taken from other instances' NOTIFYs. */
const WAKES_RECEIVED = "mesh_broker_wake_notifications_received_total";
/** How long an instance gets to answer `/health` 200 before a run. */
const SETTLE_TIMEOUT_MS = 60_000;

/**
 * W7: several broker instances on the one database, peers spread
 * round-robin over them, so with N instances about (N−1)/N of the envelopes
 * reach their recipient through another instance's wake-up (a NOTIFY at
 * commit). First W1's closed loop once per instance count, then a
 * fixed-rate open loop on the largest count with send→push split by
 * whether sender and recipient share an instance.
 */
export async function runW7Instances(ctx: WorkloadContext): Promise<WorkloadResult[]> {
  const fleet = new BrokerFleet(ctx.broker, ctx.startBroker);
  let results: WorkloadResult[];
  try {
    results = [await runThroughput(ctx, fleet), await runSplitLatency(ctx, fleet)];
  } catch (e: unknown) {
    const stopped = await fleet.stop();
    const why = e instanceof Error ? e.message : String(e);
    throw new Error([why, ...stopped.failures].join("; "), { cause: e });
  }
  const stopped = await fleet.stop();
  const last = results[results.length - 1] as WorkloadResult;
  last.failures.push(...stopped.failures.map((f) => `W7: ${f}`));
  last.figures.instanceWarnings = stopped.warnings;
  return results;
}

/** "1 instance" / "3 instances". */
function instancesLabel(n: number): string {
  return `${n} instance${n === 1 ? "" : "s"}`;
}

/** Throughput per instance count: W1's closed loop over 1, 2, … instances. */
async function runThroughput(ctx: WorkloadContext, fleet: BrokerFleet): Promise<WorkloadResult> {
  const { instances, peers: count, messagesPerPeer, window } = ctx.sizes.w7;
  const rows: ReportRow[] = [];
  const runs: Record<string, unknown>[] = [];
  const failures: string[] = [];
  const rates: number[] = [];
  for (const n of instances) {
    const brokers = await fleet.take(n, SETTLE_TIMEOUT_MS);
    const peers = await createBenchMesh(ctx.sql, count, `w7n${n}`);
    const label = instancesLabel(n);
    ctx.progress(`W7: ${label}, ${count} peers × ${messagesPerPeer} direct envelopes, window ${window}`);
    const wakes = await countOver(
      brokers.map((b) => b.httpUrl),
      WAKES_RECEIVED,
    );
    const { figures, usage, stalled } = await runDirectLoad(
      spreadOver(brokers.map((b) => b.wsUrl)),
      peers,
      { messagesPerPeer, window, pairClass: instancePairs(n), ...baseLoadOptions(ctx.sizes) },
      () => ctx.measureFor(brokers.map((b) => b.pid)),
    );
    const wakesReceived = await wakes();
    const msgsPerSecond = perSecond(figures.delivered, figures.wallMs);
    rates.push(msgsPerSecond);
    const cross = figures.sendToPushByPair?.cross;
    rows.push(
      ...[
        { metric: "msgs/s (delivered)", value: formatNumber(msgsPerSecond) },
        ...deliveryRows(figures),
        ...usageRows(usage),
        ...(n > 1 ? [wakeRow(wakesReceived, n, cross)] : []),
      ].map((r) => ({ ...r, metric: `${label}: ${r.metric}` })),
    );
    runs.push({ instances: n, msgsPerSecond, ...figures, usage, wakesReceived });
    failures.push(...deliveryFailures(`W7@${n}`, figures, stalled));
  }
  const base = rates[0] ?? Number.NaN;
  rows.push({
    metric: `msgs/s relative to ${instancesLabel(instances[0] ?? 1)}`,
    value: instances.map((n, i) => `${n}: ${((rates[i] ?? Number.NaN) / base).toFixed(2)}×`).join(", "),
  });
  return {
    name: "W7-throughput",
    table: {
      title: `W7 instances, throughput — ${count} peers round-robin over ${instances.join(" / ")} instances on one database, ${messagesPerPeer} \`now\` envelopes each, window ${window}, ack feature on`,
      rows,
    },
    figures: { peers: count, messagesPerPeer, window, runs },
    failures,
  };
}

/**
 * Latency on the largest fleet under a moderate open-loop load, send→push
 * split into pairs on one instance (the sender's instance drains right
 * after its commit) and pairs on two (woken by the NOTIFY).
 */
async function runSplitLatency(ctx: WorkloadContext, fleet: BrokerFleet): Promise<WorkloadResult> {
  const { instances, peers: count, latencyRate: rate, latencySeconds: seconds } = ctx.sizes.w7;
  const n = Math.max(...instances);
  const brokers = await fleet.take(n, SETTLE_TIMEOUT_MS);
  const peers = await createBenchMesh(ctx.sql, count, "w7lat");
  const tracker = new DeliveryTracker(rate * seconds, instancePairs(n));
  const clients = await connectPeers(spreadOver(brokers.map((b) => b.wsUrl)), peers, () =>
    trackingClientOptions(() => tracker),
  );
  try {
    ctx.progress(`W7: ${instancesLabel(n)}, ${count} peers at ${rate} msgs/s for ${seconds} s`);
    const wakes = await countOver(
      brokers.map((b) => b.httpUrl),
      WAKES_RECEIVED,
    );
    const stop = ctx.measureFor(brokers.map((b) => b.pid));
    const offeredSeconds = await sendAtRate(clients, peers, tracker, rate, seconds, ctx.sizes.plaintextBytes);
    const outcome = await waitForDelivery(tracker, ctx.sizes.stallSeconds * 1000);
    const usage = stop();
    const wakesReceived = await wakes();
    const f = tracker.figures();
    const split = (kind: PairKind): LatencySummary | undefined => f.sendToPushByPair?.[kind];
    const same = split("same");
    const cross = split("cross");
    const achieved = f.sent / offeredSeconds;
    return {
      name: "W7-latency",
      table: {
        title: `W7 instances, latency — ${count} peers round-robin over ${n} instances, open loop at ${rate}/s for ${seconds} s`,
        rows: [
          { metric: "sent (achieved offered rate)", value: `${formatNumber(f.sent)} (${formatNumber(achieved)}/s)` },
          { metric: "delivered", value: percentText(deliveredPercent(f)), target: "100 %" },
          pairRow("same instance", same),
          pairRow("other instance", cross),
          {
            metric: "other − same instance: p50 / p99",
            value: `${ms(difference(cross?.p50, same?.p50))} / ${ms(difference(cross?.p99, same?.p99))}`,
          },
          { metric: "send→ack p50 / p99 / p99.9", value: latencyTriple(f.sendToAck, "p999") },
          ...usageRows(usage),
          wakeRow(wakesReceived, n, cross),
        ],
      },
      figures: { instances: n, peers: count, rate, achievedRate: achieved, ...f, usage, wakesReceived },
      failures: deliveryFailures("W7 latency", f, outcome.complete ? undefined : outcome.reason),
    };
  } finally {
    await closeClients(clients);
  }
}

/** send→push of one kind of pair, with how many pushes it counts. */
function pairRow(what: string, s: LatencySummary | undefined): ReportRow {
  return {
    metric: `send→push, sender and recipient on ${what}: p50 / p99 / p99.9`,
    value: s ? `${latencyTriple(s, "p999")} (${formatNumber(s.count)} pushes)` : "n/a (no such pair)",
  };
}

function difference(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined ? Number.NaN : a - b;
}

/**
 * Wake-ups every instance took from the others' NOTIFYs. Each NOTIFY reaches
 * all n − 1 other instances, so received ÷ (n − 1) is how many were sent;
 * pushes to another instance per NOTIFY shows the coalescing (one per commit).
 */
function wakeRow(received: number | undefined, n: number, cross: LatencySummary | undefined): ReportRow {
  if (received === undefined) return { metric: "wake-ups received (sum over instances)", value: "n/a" };
  const sent = received / (n - 1);
  const perNotify = cross && sent > 0 ? ` → ${(cross.count / sent).toFixed(1)} cross-instance pushes per NOTIFY` : "";
  return {
    metric: "wake-ups received (sum over instances)",
    value: `${formatNumber(received)} (${formatNumber(sent)} NOTIFYs${perNotify})`,
  };
}
