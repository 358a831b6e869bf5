import { createBenchMesh } from "../bench-fixture.ts";
import { deliveryFailures, deliveryRows, usageRows } from "../figures-rows.ts";
import { formatNumber, ms, perSecond } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";
import { baseLoadOptions, runDirectLoad } from "./direct-load.ts";

/** W3: 50 peers, each broadcasting 100 envelopes to the 49 others. */
export async function runW3Broadcast(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { peers: count, broadcastsPerPeer, window } = ctx.sizes.w3;
  const peers = await createBenchMesh(ctx.sql, count, "w3");
  ctx.progress(`W3: ${count} peers × ${broadcastsPerPeer} broadcasts (fan-out ${count - 1}), window ${window}`);
  const { figures, usage, stalled } = await runDirectLoad(
    ctx.broker.wsUrl,
    peers,
    {
      broadcast: true,
      messagesPerPeer: broadcastsPerPeer,
      window,
      ...baseLoadOptions(ctx.sizes),
    },
    ctx.measure,
  );
  const deliveriesPerSecond = perSecond(figures.delivered, figures.wallMs);
  return {
    name: "W3",
    table: {
      title: `W3 broadcast — ${count} peers × ${broadcastsPerPeer} broadcasts, fan-out ${count - 1}, window ${window}`,
      rows: [
        { metric: "wall time (first send → last push)", value: ms(figures.wallMs) },
        { metric: "envelope-deliveries/s", value: formatNumber(deliveriesPerSecond) },
        { metric: "broadcasts/s (acked)", value: formatNumber(perSecond(figures.acked, figures.wallMs)) },
        ...deliveryRows(figures),
        ...usageRows(usage),
      ],
    },
    figures: { ...figures, deliveriesPerSecond, usage, peers: count, broadcastsPerPeer, window },
    failures: deliveryFailures("W3", figures, stalled),
  };
}
