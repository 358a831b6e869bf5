import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { freePort } from "@mesh/db/testing";
import { generateEd25519KeyPair } from "@mesh/shared";
import type { BenchPeer } from "../bench-fixture.ts";
import { deliveryFailures, deliveryRows, usageRows } from "../figures-rows.ts";
import { formatNumber, ms, perSecond } from "../report.ts";
import { startUsage } from "../resource-usage.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";
import { baseLoadOptions, runDirectLoad } from "../workloads/direct-load.ts";

const relayEntry = join(import.meta.dir, "ws-relay-server.ts");

/**
 * Transport ceiling: W1's exact client load against a bare Bun WebSocket
 * relay (own process, no database, no validation): what this machine can
 * move through Bun's WebSockets with the load generator beside it.
 */
export async function runWsRelayCeiling(ctx: WorkloadContext, cores: number): Promise<WorkloadResult> {
  const { peers: count, messagesPerPeer, window } = ctx.sizes.w1;
  const port = await freePort();
  const relay = Bun.spawn([process.execPath, relayEntry, String(port)], { stdout: "pipe", stderr: "inherit" });
  try {
    await waitForListening(relay.stdout);
    const peers: BenchPeer[] = Array.from({ length: count }, (_, index) => ({
      index,
      meshId: "relay",
      memberId: randomUUID(),
      keys: generateEd25519KeyPair(),
    }));
    ctx.progress(`ceiling: bare WebSocket relay, ${count} peers × ${messagesPerPeer}, window ${window}`);
    const { figures, usage, stalled } = await runDirectLoad(
      `ws://127.0.0.1:${port}/ws`,
      peers,
      {
        messagesPerPeer,
        window,
        ...baseLoadOptions(ctx.sizes),
      },
      () => startUsage({ brokerPids: [relay.pid], postmasterPid: undefined }, cores),
    );
    const msgsPerSecond = perSecond(figures.delivered, figures.wallMs);
    return {
      name: "ceiling-ws",
      table: {
        title: `Transport ceiling — bare Bun.serve WebSocket relay, no database, W1's load (${count} × ${messagesPerPeer}, window ${window})`,
        rows: [
          { metric: "wall time", value: ms(figures.wallMs) },
          { metric: "msgs/s (delivered)", value: formatNumber(msgsPerSecond) },
          ...deliveryRows(figures),
          ...usageRows(usage).map((r) => ({ ...r, metric: r.metric.replace("broker", "relay") })),
        ],
      },
      figures: { ...figures, msgsPerSecond, usage },
      failures: deliveryFailures("transport ceiling", figures, stalled),
    };
  } finally {
    relay.kill("SIGTERM");
    await relay.exited;
  }
}

async function waitForListening(stdout: ReadableStream<Uint8Array>): Promise<void> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stdout) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes("listening")) return;
  }
  throw new Error("the relay exited before listening");
}
