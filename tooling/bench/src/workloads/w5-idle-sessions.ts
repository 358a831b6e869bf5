import { type BenchPeer, createBenchMesh } from "../bench-fixture.ts";
import { closeClients, connectPeers } from "../connect-peers.ts";
import { DeliveryTracker, trackingClientOptions, waitForDelivery } from "../delivery-tracker.ts";
import { ciphertextPool, encodeNonce } from "../envelope.ts";
import { ensureOpenFileLimit } from "../fd-limit.ts";
import { deliveredPercent, deliveryFailures, latencyTriple, mb, percentText } from "../figures-rows.ts";
import type { LoadClient } from "../load-client.ts";
import { readMemory } from "../process-stats.ts";
import { formatNumber, ms, perSecond } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";

/** Descriptors beyond one per session: Postgres pool, listeners, files. */
const FD_HEADROOM = 512;
/** Time for the broker's allocator to settle before RSS is read. */
const SETTLE_MS = 1000;

/**
 * W5: 10 000 authenticated idle sessions (meshes of 100, the default cap)
 * on a broker process of its own (so its RSS before is a fresh broker's, not
 * what earlier workloads left in the heap): how long connecting takes,
 * broker RSS per session, and the latency of direct messages among them
 * while they are all connected.
 */
export async function runW5IdleSessions(ctx: WorkloadContext): Promise<WorkloadResult> {
  const broker = await ctx.startBroker();
  try {
    return await runOn({ ...ctx, broker, measure: () => ctx.measureFor([broker.pid]) });
  } finally {
    const code = await broker.stop();
    if (code !== 0) ctx.progress(`W5: its broker exited with ${code}`);
  }
}

async function runOn(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { sessions, meshSize, messages, messagesPerSecond, connectConcurrency } = ctx.sizes.w5;
  const needed = sessions + FD_HEADROOM;
  const ownLimit = ensureOpenFileLimit(process.pid, needed);
  const brokerLimit = ensureOpenFileLimit(ctx.broker.pid, needed);
  const failures: string[] = [];
  for (const [who, l] of [
    ["load generator", ownLimit],
    ["broker", brokerLimit],
  ] as const) {
    if (!(l.soft >= needed)) failures.push(`W5: ${who} may open only ${l.soft} files, needs ${needed} (${l.note})`);
  }
  if (failures.length > 0) throw new Error(failures.join("; "));

  const meshes: BenchPeer[][] = [];
  for (let first = 0; first < sessions; first += meshSize) {
    meshes.push(await createBenchMesh(ctx.sql, Math.min(meshSize, sessions - first), `w5m${meshes.length}`, first));
  }
  // Round-robin over the meshes, as independent agents would arrive: hellos of one mesh serialise on its
  // capacity lock, so connecting mesh after mesh would measure that lock, not the broker.
  const peers = interleave(meshes);
  const tracker = new DeliveryTracker(messages);
  ctx.progress(
    `W5: connecting ${sessions} sessions (${meshes.length} meshes of ${meshSize}), ${connectConcurrency} at a time`,
  );
  await Bun.sleep(SETTLE_MS);
  const before = readMemory(ctx.broker.pid);
  const stopConnect = ctx.measure();
  const connectStart = performance.now();
  const connected = await connectPeers(
    ctx.broker.wsUrl,
    peers,
    () => trackingClientOptions(() => tracker),
    connectConcurrency,
  );
  const clients: LoadClient[] = [];
  for (const client of connected) clients[client.peer.index] = client;
  try {
    const connectMs = performance.now() - connectStart;
    const connectUsage = stopConnect();
    await Bun.sleep(SETTLE_MS);
    const after = readMemory(ctx.broker.pid);
    const perSessionKb = before && after ? (after.rss - before.rss) / sessions : Number.NaN;

    ctx.progress(`W5: ${messages} direct envelopes at ${messagesPerSecond}/s among the ${sessions} sessions`);
    await sendAmongMeshes(clients, meshes, tracker, messages, messagesPerSecond, ctx.sizes.plaintextBytes);
    const outcome = await waitForDelivery(tracker, ctx.sizes.stallSeconds * 1000);
    const f = tracker.figures();
    failures.push(...deliveryFailures("W5", f, outcome.complete ? undefined : outcome.reason));
    return {
      name: "W5",
      table: {
        title: `W5 idle sessions — ${formatNumber(sessions)} authenticated sessions in ${meshes.length} meshes of ${meshSize}, on a fresh broker process`,
        rows: [
          { metric: "open-file limit: load generator / broker", value: `${ownLimit.soft} / ${brokerLimit.soft}` },
          { metric: "time to connect + authenticate all", value: ms(connectMs) },
          { metric: "hellos/s", value: formatNumber(perSecond(sessions, connectMs)) },
          { metric: "broker RSS before → after", value: `${mb(before?.rss)} → ${mb(after?.rss)}` },
          { metric: "broker RSS per idle session", value: `${perSessionKb.toFixed(1)} KB`, target: "≤ 20 KB" },
          { metric: "broker peak RSS while connecting", value: mb(connectUsage.brokerRssKb.peak) },
          {
            metric: `direct msgs among them (${formatNumber(messages)} at ${messagesPerSecond}/s): delivered`,
            value: percentText(deliveredPercent(f)),
          },
          { metric: "send→push p50 / p99 / max", value: latencyTriple(f.sendToPush) },
        ],
      },
      figures: {
        sessions,
        meshSize,
        connectMs,
        rssBeforeKb: before?.rss,
        rssAfterKb: after?.rss,
        perSessionKb,
        connectUsage,
        limits: { ownLimit, brokerLimit },
        messages: f,
      },
      failures,
    };
  } finally {
    ctx.progress(`W5: closing ${sessions} sessions`);
    await closeClients(connected);
  }
}

/** The first member of every mesh, then the second of every mesh, and so on. */
function interleave(meshes: readonly BenchPeer[][]): BenchPeer[] {
  const out: BenchPeer[] = [];
  const longest = Math.max(...meshes.map((m) => m.length));
  for (let k = 0; k < longest; k++) {
    for (const mesh of meshes) {
      const peer = mesh[k];
      if (peer) out.push(peer);
    }
  }
  return out;
}

/** Open loop: `total` direct envelopes at `rate`/s, each between two random members of a random mesh. */
async function sendAmongMeshes(
  clients: readonly LoadClient[],
  meshes: readonly BenchPeer[][],
  tracker: DeliveryTracker,
  total: number,
  rate: number,
  plaintextBytes: number,
): Promise<void> {
  const nextCiphertext = ciphertextPool(plaintextBytes);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    while (sent < due) {
      const mesh = meshes[Math.floor(Math.random() * meshes.length)] as BenchPeer[];
      const a = Math.floor(Math.random() * mesh.length);
      const b = (a + 1 + Math.floor(Math.random() * (mesh.length - 1))) % mesh.length;
      const from = mesh[a] as BenchPeer;
      const to = mesh[b] as BenchPeer;
      const at = performance.now();
      const id = `w5-${sent}`;
      (clients[from.index] as LoadClient).send(
        to.keys.publicKey,
        "now",
        encodeNonce(at, from.index, sent),
        nextCiphertext(),
        id,
      );
      tracker.sent(id, at);
      sent += 1;
    }
    await Bun.sleep(2);
  }
}
