import { type BenchPeer, createBenchMesh } from "../bench-fixture.ts";
import { closeClients, connectPeers } from "../connect-peers.ts";
import { DeliveryTracker, trackingClientOptions, waitForDelivery } from "../delivery-tracker.ts";
import { ciphertextPool, encodeNonce } from "../envelope.ts";
import { deliveredPercent, deliveryFailures, latencyTriple, percentText, usageRows } from "../figures-rows.ts";
import { formatNumber, ms, perSecond } from "../report.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";

/**
 * W4: 100 peers set themselves `working` (set_status), each is sent 100
 * `next` envelopes (held: working sessions take `now` only), then all flip
 * to `idle` at once: how long until every held envelope is delivered.
 */
export async function runW4HeldRelease(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { peers: count, messagesPerPeer } = ctx.sizes.w4;
  const peers = await createBenchMesh(ctx.sql, count, "w4");
  const tracker = new DeliveryTracker(count * messagesPerPeer);
  let pushedWhileWorking = 0;
  let held = true;
  const clients = await connectPeers(ctx.broker.wsUrl, peers, () =>
    trackingClientOptions(
      () => tracker,
      () => {
        if (held) pushedWhileWorking += 1;
      },
    ),
  );
  try {
    ctx.progress(`W4: ${count} peers working, ${messagesPerPeer} \`next\` envelopes each, then all idle`);
    await Promise.all(clients.map((c) => c.setStatus("working")));
    const nextCiphertext = ciphertextPool(ctx.sizes.plaintextBytes);
    clients.forEach((client, i) => {
      const target = peers[(i + 1) % count] as BenchPeer;
      for (let seq = 0; seq < messagesPerPeer; seq++) {
        const at = performance.now();
        const id = `${i}-${seq}`;
        client.send(target.keys.publicKey, "next", encodeNonce(at, i, seq), nextCiphertext(), id);
        tracker.sent(id, at);
      }
    });
    const stored = await waitForDelivery(
      tracker,
      ctx.sizes.stallSeconds * 1000,
      () => tracker.figures().acked >= count * messagesPerPeer,
    );
    // Give a wrongly released envelope a moment to show up before the flip.
    await Bun.sleep(200);
    held = false;

    const stop = ctx.measure();
    const flipAt = performance.now();
    await Promise.all(clients.map((c) => c.setStatus("idle")));
    const allIdleMs = performance.now() - flipAt;
    const outcome = stored.complete ? await waitForDelivery(tracker, ctx.sizes.stallSeconds * 1000) : stored;
    const usage = stop();
    const f = tracker.figures();
    const releaseMs = f.delivered > 0 ? tracker.lastPushAt - flipAt : Number.NaN;
    const failures = deliveryFailures("W4", f, outcome.complete ? undefined : outcome.reason);
    if (pushedWhileWorking > 0)
      failures.push(`W4: ${pushedWhileWorking} \`next\` envelopes pushed to working sessions`);
    return {
      name: "W4",
      table: {
        title: `W4 held then released — ${count} working peers × ${messagesPerPeer} \`next\` envelopes, all flip to idle`,
        rows: [
          { metric: "held envelopes (stored while working)", value: formatNumber(f.acked) },
          { metric: "pushed while working (must be 0)", value: formatNumber(pushedWhileWorking) },
          { metric: "all set_status idle answered after", value: ms(allIdleMs) },
          { metric: "flip → everything delivered", value: ms(releaseMs) },
          { metric: "release throughput", value: `${formatNumber(perSecond(f.delivered, releaseMs))} msgs/s` },
          { metric: "delivered", value: percentText(deliveredPercent(f)), target: "100 %" },
          { metric: "send→ack p50 / p99 / max (while held)", value: latencyTriple(f.sendToAck) },
          ...usageRows(usage),
        ],
      },
      figures: { ...f, peers: count, messagesPerPeer, allIdleMs, releaseMs, pushedWhileWorking, usage },
      failures,
    };
  } finally {
    await closeClients(clients);
  }
}
