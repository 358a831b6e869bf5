import { createBenchMesh } from "../bench-fixture.ts";
import { deliveryFailures, deliveryRows, usageRows } from "../figures-rows.ts";
import { formatNumber, ms, perSecond } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";
import { baseLoadOptions, runDirectLoad } from "./direct-load.ts";

/** W1: 100 peers × 1000 direct `now` envelopes, closed loop with a bounded window per peer. */
export async function runW1Direct(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { peers: count, messagesPerPeer, window } = ctx.sizes.w1;
  const peers = await createBenchMesh(ctx.sql, count, "w1");
  ctx.progress(`W1: ${count} peers × ${messagesPerPeer} direct envelopes, window ${window}`);
  const { figures, usage, stalled } = await runDirectLoad(
    ctx.broker.wsUrl,
    peers,
    {
      messagesPerPeer,
      window,
      ...baseLoadOptions(ctx.sizes),
    },
    ctx.measure,
  );
  const msgsPerSecond = perSecond(figures.delivered, figures.wallMs);
  return {
    name: "W1",
    table: {
      title: `W1 direct — ${count} peers × ${messagesPerPeer} \`now\` envelopes, window ${window}, ack feature on`,
      rows: [
        { metric: "wall time (first send → last push)", value: ms(figures.wallMs) },
        { metric: "msgs/s (delivered)", value: formatNumber(msgsPerSecond), target: "≥ 10,000" },
        ...deliveryRows(figures).map((r) =>
          r.metric === "delivered"
            ? { ...r, target: "100 %" }
            : r.metric.startsWith("send→push")
              ? { ...r, target: "p99 ≤ 50 ms" }
              : r,
        ),
        ...usageRows(usage, { peakTarget: "≤ 200 MB" }),
      ],
    },
    figures: { ...figures, msgsPerSecond, usage, peers: count, messagesPerPeer, window },
    failures: deliveryFailures("W1", figures, stalled),
  };
}
