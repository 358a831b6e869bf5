import { createBenchMesh } from "../bench-fixture.ts";
import { closeClients, connectPeers } from "../connect-peers.ts";
import { usageRows } from "../figures-rows.ts";
import { LatencyRecorder } from "../histogram.ts";
import type { LoadClient } from "../load-client.ts";
import { formatNumber, ms } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";

/**
 * Distinct (pid, cwd) rate-limit keys the load cycles through: the broker's
 * token bucket (HOOK_RATE_LIMIT_PER_MIN per key) is a guard against one
 * runaway hook, and the bench measures the route, not the guard.
 */
const PID_SPREAD = 5000;

/**
 * W6: `POST /hook/set-status` under concurrent load: hooks scoped by each
 * session's token, alternating working/idle so every request changes a
 * status (a write, and a drain request on each flip to idle).
 */
export async function runW6Hooks(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { sessions, concurrency, seconds } = ctx.sizes.w6;
  const peers = await createBenchMesh(ctx.sql, sessions, "w6");
  const clients = await connectPeers(ctx.broker.wsUrl, peers, () => ({ features: ["ack"] }));
  try {
    ctx.progress(`W6: ${concurrency} concurrent hook clients for ${seconds} s over ${sessions} sessions`);
    const latency = new LatencyRecorder();
    const statuses = new Map<number, number>();
    const working = new Array<boolean>(clients.length).fill(false);
    const url = `${ctx.broker.httpUrl}/hook/set-status`;
    let issued = 0;
    const stop = ctx.measure();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const n = issued++;
        const k = n % clients.length;
        const client = clients[k] as LoadClient;
        working[k] = !working[k];
        const body = JSON.stringify({
          cwd: `/bench/peer-${client.peer.index}`,
          pid: 200_000 + (n % PID_SPREAD),
          status: working[k] ? "working" : "idle",
        });
        const t0 = performance.now();
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${client.hookToken}` },
          body,
        });
        await res.arrayBuffer();
        latency.record(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - start) / 1000;
    const usage = stop();
    const s = latency.summary();
    const ok = statuses.get(200) ?? 0;
    const failures = [...statuses].filter(([code]) => code !== 200).map(([code, n]) => `W6: ${n} answers ${code}`);
    return {
      name: "W6",
      table: {
        title: `W6 hooks — POST /hook/set-status, ${concurrency} concurrent clients, ${seconds} s, token-scoped`,
        rows: [
          { metric: "requests (200 OK)", value: `${formatNumber(s.count)} (${formatNumber(ok)})` },
          { metric: "requests/s", value: formatNumber(s.count / elapsed) },
          { metric: "latency p50 / p99 / max", value: `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}` },
          { metric: "answers by status", value: [...statuses].map(([c, n]) => `${c}×${n}`).join(", ") },
          ...usageRows(usage),
        ],
      },
      figures: { sessions, concurrency, seconds: elapsed, latency: s, statuses: Object.fromEntries(statuses), usage },
      failures,
    };
  } finally {
    await closeClients(clients);
  }
}
