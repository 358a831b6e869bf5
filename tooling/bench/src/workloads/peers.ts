import { availableParallelism } from "node:os";
import { createBenchMesh } from "../bench-fixture.ts";
import { MAC_BYTES } from "../envelope.ts";
import { BROKER_SYSTEM, type PeerRun, ratioTable, shapeLabel, shapeTable } from "../peers/comparison.ts";
import { jetStreamSystem, probeJetStream } from "../peers/jetstream-system.ts";
import {
  type NatsServerChild,
  natsServerVersion,
  parseNatsVersion,
  startNatsServer,
  supportsSyncAlways,
} from "../peers/nats-server-child.ts";
import { runPeerLoad } from "../peers/peer-load.ts";
import type { PeerShape, PeerSystem } from "../peers/peer-system.ts";
import { probeRabbitMq, rabbitMqSystem } from "../peers/rabbitmq-system.ts";
import { findServerPid, watchServer } from "../peers/server-usage.ts";
import type { ResourceUsage } from "../resource-usage.ts";
import type { WorkloadContext, WorkloadResult } from "../workload.ts";
import { runDirectLoad } from "./direct-load.ts";

/** The machine's RabbitMQ (CI has one too), with its default account. */
const RABBITMQ_ADDRESS = "127.0.0.1:5672";
const RABBITMQ_URL = `amqp://guest:guest@${RABBITMQ_ADDRESS}`;
/** The machine's NATS server with JetStream. */
const MACHINE_NATS = "127.0.0.1:4222";

/** The broker's CPU on a shape: its usage over the run and what it delivered (CPU per message). */
interface BrokerCost {
  delivered: number;
  usage: ResourceUsage;
}

/** A system to compare with, or why it is left out of this run. */
type Candidate = { system: PeerSystem } | { name: string; skipped: string };

/**
 * Finds the peer systems of this machine: RabbitMQ (quorum and classic
 * durable queues), the machine's NATS JetStream, and nats-servers of the
 * bench's own (with fsync per write where the server has it). Anything
 * absent becomes a skipped line; the servers it started are in `children`.
 */
async function peerCandidates(ctx: WorkloadContext, children: NatsServerChild[]): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const rabbitPid = () => findServerPid("beam.smp");
  const rabbitDown = await probeRabbitMq(RABBITMQ_URL);
  for (const type of ["quorum", "classic"] as const) {
    const system = rabbitMqSystem(RABBITMQ_URL, type, rabbitPid);
    candidates.push(
      rabbitDown === undefined
        ? { system }
        : { name: system.name, skipped: `RabbitMQ on ${RABBITMQ_ADDRESS} not reachable (${rabbitDown})` },
    );
  }
  const machineName = "NATS JetStream (the machine's, :4222)";
  const natsDown = await probeJetStream(MACHINE_NATS);
  const ownPids = () => children.map((c) => c.pid);
  candidates.push(
    natsDown === undefined
      ? {
          system: jetStreamSystem(machineName, MACHINE_NATS, () =>
            findServerPid("nats-server", { exclude: ownPids(), hint: "4222" }),
          ),
        }
      : { name: machineName, skipped: `no JetStream on ${MACHINE_NATS} (${natsDown})` },
  );
  const ownName = "NATS JetStream (own server)";
  const syncName = "NATS JetStream (own server, fsync per write)";
  const versionText = natsServerVersion();
  if (versionText === undefined) {
    const skipped = "nats-server is not on PATH";
    candidates.push({ name: ownName, skipped }, { name: syncName, skipped });
    return candidates;
  }
  const version = parseNatsVersion(versionText);
  const variants: { name: string; syncAlways: boolean; skipped?: string }[] = [
    { name: ownName, syncAlways: false },
    {
      name: syncName,
      syncAlways: true,
      ...(version && supportsSyncAlways(version)
        ? {}
        : { skipped: `${versionText} has no sync_interval: always (NATS 2.10+), so no fsync-per-write variant` }),
    },
  ];
  for (const variant of variants) {
    if (variant.skipped) {
      candidates.push({ name: variant.name, skipped: variant.skipped });
      continue;
    }
    try {
      const child = await startNatsServer({ syncAlways: variant.syncAlways });
      children.push(child);
      ctx.progress(`peers: started nats-server pid ${child.pid} on port ${child.port} (${variant.name})`);
      candidates.push({ system: jetStreamSystem(variant.name, `127.0.0.1:${child.port}`, () => child.pid) });
    } catch (e: unknown) {
      candidates.push({ name: variant.name, skipped: e instanceof Error ? e.message : String(e) });
    }
  }
  return candidates;
}

/** The shape on the mesh broker, through the same load client as W1 (acks on). */
async function brokerRun(
  ctx: WorkloadContext,
  shape: PeerShape,
  payloadBytes: number,
): Promise<{ run: PeerRun; cost: BrokerCost; failure?: string }> {
  const peers = await createBenchMesh(ctx.sql, shape.peers, "peers");
  const { figures, usage, stalled } = await runDirectLoad(
    ctx.broker.wsUrl,
    peers,
    {
      messagesPerPeer: shape.messagesPerPeer,
      window: shape.window,
      // The ciphertext (plaintext + MAC) is as long as a peer's message body.
      plaintextBytes: payloadBytes - MAC_BYTES,
      stallMs: ctx.sizes.stallSeconds * 1000,
      features: ["ack"],
    },
    ctx.measure,
  );
  const run: PeerRun = {
    system: BROKER_SYSTEM,
    msgsPerSecond: figures.delivered / (figures.wallMs / 1000),
    sendToPush: figures.sendToPush,
    peakRssKb: usage.brokerRssKb.peak,
    cpu: {
      server: usage.cpuShare.broker === undefined ? undefined : usage.cpuShare.broker + (usage.cpuShare.postgres ?? 0),
      loadGenerator: usage.cpuShare.loadGenerator,
      machineBusy: usage.machine.busy,
    },
  };
  const failure =
    stalled ??
    (figures.delivered < figures.expected ? `delivered ${figures.delivered} of ${figures.expected}` : undefined);
  const cost = { delivered: figures.delivered, usage };
  return failure === undefined ? { run, cost } : { run, cost, failure };
}

/**
 * peers: each shape of issue 18's comparison on the mesh broker and on every
 * peer system found, one after another per shape; a table per shape and
 * one of the broker ÷ each ratios.
 */
export async function runPeers(ctx: WorkloadContext): Promise<WorkloadResult[]> {
  const { shapes, payloadBytes } = ctx.sizes.peers;
  const cores = availableParallelism();
  const children: NatsServerChild[] = [];
  const failures: string[] = [];
  const results: { shape: PeerShape; runs: PeerRun[]; broker?: BrokerCost }[] = [];
  try {
    const candidates = await peerCandidates(ctx, children);
    for (const c of candidates) if (!("system" in c)) ctx.progress(`peers: ${c.name} skipped: ${c.skipped}`);
    for (const shape of shapes) {
      const runs: PeerRun[] = [];
      ctx.progress(`peers ${shapeLabel(shape)}: ${BROKER_SYSTEM}`);
      const broker = await brokerRun(ctx, shape, payloadBytes);
      runs.push(broker.run);
      if (broker.failure) failures.push(`peers ${shapeLabel(shape)} broker: ${broker.failure}`);
      for (const candidate of candidates) {
        if (!("system" in candidate)) {
          runs.push({ system: candidate.name, skipped: candidate.skipped });
          continue;
        }
        const { system } = candidate;
        ctx.progress(`peers ${shapeLabel(shape)}: ${system.name}`);
        try {
          const { figures, stalled } = await runPeerLoad(system, shape, {
            payloadBytes,
            stallMs: ctx.sizes.stallSeconds * 1000,
            watchServer: () => watchServer(system.serverPid(), cores),
          });
          runs.push({
            system: system.name,
            msgsPerSecond: figures.msgsPerSecond,
            sendToPush: figures.sendToPush,
            peakRssKb: figures.usage.peakRssKb,
            cpu: figures.usage.cpu,
          });
          if (stalled) failures.push(`peers ${shapeLabel(shape)} ${system.name}: ${stalled}`);
          if (figures.publishErrors > 0)
            failures.push(
              `peers ${shapeLabel(shape)} ${system.name}: ${figures.publishErrors} publishes refused (${figures.firstPublishError})`,
            );
        } catch (e: unknown) {
          const message = e instanceof Error ? e.message : String(e);
          runs.push({ system: system.name, skipped: `failed: ${message}` });
          failures.push(`peers ${shapeLabel(shape)} ${system.name}: ${message}`);
        }
      }
      results.push({ shape, runs, broker: broker.cost });
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
  const shapeResults: WorkloadResult[] = results.map(({ shape, runs, broker }) => ({
    name: `peers ${shapeLabel(shape)}`,
    table: shapeTable(shape, payloadBytes, runs),
    figures: { shape, payloadBytes, runs, broker },
    failures: [],
  }));
  return [...shapeResults, { name: "peers", table: ratioTable(results), figures: {}, failures }];
}
