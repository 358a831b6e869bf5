import { createBenchMesh } from "../bench-fixture.ts";
import { closeClients, connectPeers } from "../connect-peers.ts";
import { DeliveryTracker, trackingClientOptions, waitForDelivery } from "../delivery-tracker.ts";
import { deliveredPercent, deliveryFailures, latencyTriple, percentText, usageRows } from "../figures-rows.ts";
import { formatNumber, type ReportRow } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";
import { sendAtRate } from "./fixed-rate-load.ts";

/**
 * W2: the same 100 peers at a fixed offered rate (open loop: sends go out on
 * schedule whatever the acks do), one run per rate; latency when the broker
 * is not saturated.
 */
export async function runW2FixedRate(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { peers: count, rates, seconds } = ctx.sizes.w2;
  const peers = await createBenchMesh(ctx.sql, count, "w2");
  let tracker = new DeliveryTracker(0);
  const clients = await connectPeers(ctx.broker.wsUrl, peers, () => trackingClientOptions(() => tracker));
  const rows: ReportRow[] = [];
  const runs: Record<string, unknown>[] = [];
  const failures: string[] = [];
  try {
    for (const rate of rates) {
      ctx.progress(`W2: ${count} peers at ${rate} msgs/s for ${seconds} s`);
      tracker = new DeliveryTracker(rate * seconds);
      const stop = ctx.measure();
      const offeredSeconds = await sendAtRate(clients, peers, tracker, rate, seconds, ctx.sizes.plaintextBytes);
      const outcome = await waitForDelivery(tracker, ctx.sizes.stallSeconds * 1000);
      const usage = stop();
      const f = tracker.figures();
      const achieved = f.sent / offeredSeconds;
      rows.push(
        {
          metric: `@${rate}/s: sent (achieved offered rate)`,
          value: `${formatNumber(f.sent)} (${formatNumber(achieved)}/s)`,
        },
        { metric: `@${rate}/s: delivered`, value: percentText(deliveredPercent(f)), target: "100 %" },
        {
          metric: `@${rate}/s: send→push p50 / p99 / p99.9`,
          value: latencyTriple(f.sendToPush, "p999"),
          ...(rate === 1000 ? { target: "p99 ≤ 10 ms" } : {}),
        },
        { metric: `@${rate}/s: send→ack p50 / p99 / p99.9`, value: latencyTriple(f.sendToAck, "p999") },
        ...usageRows(usage).map((r) => ({ ...r, metric: `@${rate}/s: ${r.metric}` })),
      );
      runs.push({ rate, achievedRate: achieved, ...f, usage });
      failures.push(...deliveryFailures(`W2@${rate}`, f, outcome.complete ? undefined : outcome.reason));
    }
  } finally {
    await closeClients(clients);
  }
  return {
    name: "W2",
    table: { title: `W2 fixed rate — ${count} peers, open loop, ${seconds} s per rate`, rows },
    figures: { peers: count, seconds, runs },
    failures,
  };
}
