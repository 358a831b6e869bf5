import { freePort } from "@mesh/db/testing";
import { MeshClient, type SendResult, type SocketFactory } from "@mesh/sdk";
import {
  addMember,
  createMesh,
  type TestMember,
  type TestMesh,
} from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { AppCounter } from "./app-counter.ts";
import { type ChaosBroker, chaosBroker } from "./cluster/broker-process.ts";
import { FailoverRoute } from "./failover-route.ts";
import { queueDiagnostics } from "./queue-diagnostics.ts";
import type { Check, ScenarioContext, ScenarioResult } from "./scenario.ts";
import { runStream, type Sender, sendIdOf } from "./stream.ts";
import { Tally } from "./tally.ts";

/** Several broker instances on the run's one database, and where each client first connects. */
export interface InstancePlan {
  count: number;
  /** Extra environment of every instance (heartbeat and timeout). */
  env: Record<string, string>;
  /** The instance the i-th sender / receiver starts on. */
  senderHome: (i: number) => number;
  receiverHome: (i: number) => number;
}

/** How a scenario differs from the plain stream. */
export interface SceneOptions {
  number: number;
  name: string;
  /** Default: one broker, every client on it. */
  instances?: InstancePlan;
  /** Socket factory of the i-th sender / receiver; default the runtime's WebSocket. */
  senderSocket?: (i: number) => SocketFactory | undefined;
  receiverSocket?: (i: number) => SocketFactory | undefined;
  /** Members that are addressed from the start but get a client only later (scenario 6). */
  lateMembers?: number;
  padBytes?: number;
  /** Runs before the stream starts (scenario 6 freezes its consumer). */
  beforeStream?: (scene: Scene) => Promise<void>;
  /** The fault, started this far into the stream (fraction of its length, default 0.4). */
  fault?: (scene: Scene) => Promise<void>;
  faultAt?: number;
  /** Runs once every send is out (scenario 6 brings its consumer back). */
  afterStream?: (scene: Scene) => Promise<void>;
  afterAck?: (
    scene: Scene,
    send: { sender: Sender; sendId: string; text: string; target: string; result: SendResult },
  ) => void;
  /** Scenario-specific checks, once the stream converged. */
  checks?: (scene: Scene) => Promise<Check[]> | Check[];
}

/** Short grace after convergence, so a late duplicate still counts. */
const DUPLICATE_GRACE_MS = 1500;

/** A running scenario: its mesh, brokers, clients and counters. */
export class Scene {
  readonly counter = new AppCounter();
  readonly notes: string[] = [];
  readonly clientErrors = new Tally();
  /** When each member's application handled something (ms since the epoch). */
  readonly handledAt = new Map<string, number[]>();
  readonly clients: MeshClient[] = [];
  /** Which instance each client's sockets go to. */
  readonly routes = new Map<MeshClient, FailoverRoute>();
  disconnects = 0;
  /** The slowest ack seen, for a note. */
  slowestAck = { sendId: "", ms: 0 };

  constructor(
    readonly ctx: ScenarioContext,
    readonly mesh: TestMesh,
    readonly brokers: readonly [ChaosBroker, ...ChaosBroker[]],
    readonly senders: TestMember[],
    readonly receivers: TestMember[],
    readonly late: TestMember[],
  ) {}

  /** The first instance: the only one in single-broker scenarios. */
  get broker(): ChaosBroker {
    return this.brokers[0];
  }

  get members(): TestMember[] {
    return [...this.senders, ...this.receivers, ...this.late];
  }

  /**
   * A MeshClient for `member` whose handler feeds the counter, first on
   * instance `home` and after each drop on the next; connected before it resolves.
   */
  async connect(member: TestMember, socketFactory?: SocketFactory, home = 0): Promise<MeshClient> {
    const route = new FailoverRoute(
      this.brokers.map((b) => b.wsUrl),
      home,
      socketFactory,
    );
    const client = new MeshClient({
      brokerUrl: route.url,
      meshId: this.mesh.id,
      memberId: member.id,
      identity: member.keys,
      meshRootKey: this.mesh.rootKey,
      reconnect: { initialMs: 50, maxMs: 1000 },
      connectTimeoutMs: 30_000,
      sendTimeoutMs: this.ctx.sizes.sendTimeoutMs,
      socketFactory: route.factory,
    });
    this.clients.push(client);
    this.routes.set(client, route);
    client.on("error", (e) => this.clientErrors.add(e.code));
    client.on("disconnected", () => {
      this.disconnects += 1;
    });
    client.onMessage((m) => {
      const sendId = sendIdOf(m.text);
      if (sendId === undefined) {
        this.clientErrors.add("foreign_envelope");
        return;
      }
      this.counter.handled(member.id, sendId, m.messageId);
      const times = this.handledAt.get(member.id) ?? [];
      times.push(Date.now());
      this.handledAt.set(member.id, times);
    });
    await client.connect();
    return client;
  }
}

/** Sets up a scene, streams with the fault in the middle, waits for convergence, tears down, and scores it. */
export async function runScene(ctx: ScenarioContext, options: SceneOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const { sizes } = ctx;
  const tag = `s${options.number}`;
  const mesh = await createMesh(ctx.sql, `chaos ${tag}`);
  const make = (n: number) => Promise.all(Array.from({ length: n }, () => addMember(ctx.sql, mesh)));
  const senders = await make(sizes.senders);
  const receivers = await make(sizes.receivers);
  const late = await make(options.lateMembers ?? 0);
  const plan = options.instances;
  const scene = new Scene(ctx, mesh, await createBrokers(ctx, tag, plan), senders, receivers, late);
  const { brokers } = scene;
  const checks: Check[] = [];
  let diagnostics: Record<string, unknown> = {};
  try {
    await Promise.all(brokers.map((b) => b.start()));
    const senderClients = await Promise.all(
      senders.map((m, i) => scene.connect(m, options.senderSocket?.(i), plan?.senderHome(i))),
    );
    await Promise.all(receivers.map((m, i) => scene.connect(m, options.receiverSocket?.(i), plan?.receiverHome(i))));
    await options.beforeStream?.(scene);

    const stream = runStream({
      tag,
      sizes,
      senders: senders.map((member, i) => ({ member, client: senderClients[i] as MeshClient })),
      targets: [...receivers, ...late],
      members: scene.members,
      counter: scene.counter,
      padBytes: options.padBytes ?? 64,
      onAckLatency: (sendId, ms) => {
        if (ms > scene.slowestAck.ms) scene.slowestAck = { sendId, ms };
      },
      ...(options.afterAck ? { afterAck: (send) => options.afterAck?.(scene, send) } : {}),
    });
    if (options.fault) {
      await Bun.sleep(sizes.sendsPerSender * sizes.intervalMs * (options.faultAt ?? 0.4));
      const faultStarted = performance.now();
      await options.fault(scene);
      scene.notes.push(`fault took ${Math.round(performance.now() - faultStarted)} ms`);
    }
    await stream;
    await options.afterStream?.(scene);

    const settleStarted = performance.now();
    const settled = await until(() => scene.counter.unsettled === 0, sizes.sendTimeoutMs + 5000);
    scene.notes.push(
      settled
        ? `every send answered ${Math.round(performance.now() - settleStarted)} ms after the stream`
        : `${scene.counter.unsettled} sends still unanswered at the deadline`,
    );
    const convergeStarted = performance.now();
    const converged = await until(() => scene.counter.missing === 0, sizes.convergeMs);
    scene.notes.push(
      converged
        ? `converged ${Math.round(performance.now() - convergeStarted)} ms after the last answer`
        : `not converged after ${sizes.convergeMs} ms: ${scene.counter.missing} deliveries missing`,
    );
    await Bun.sleep(DUPLICATE_GRACE_MS);

    checks.push(...(await (options.checks?.(scene) ?? [])));
    const crashes = brokers.flatMap((b) => b.crashes);
    checks.push({
      name: "no broker crashed",
      ok: crashes.length === 0,
      detail: crashes.length === 0 ? "no unexpected exit" : `exited by itself: ${crashes.join(", ")}`,
    });
    const duplicateRows = await queueDiagnostics.duplicateRows(ctx.sql, mesh.id);
    checks.push({
      name: "one queue row per (send id, recipient)",
      ok: duplicateRows === 0,
      detail: `${duplicateRows} duplicated rows`,
    });
    diagnostics = await queueDiagnostics.explain(ctx.sql, scene.counter);
  } catch (e: unknown) {
    checks.push({ name: "scenario ran to the end", ok: false, detail: e instanceof Error ? e.message : String(e) });
  } finally {
    await Promise.all(scene.clients.map((c) => c.close()));
    await Promise.all(brokers.filter((b) => b.running()).map((b) => b.kill("SIGTERM")));
  }

  const counts = scene.counter.counts();
  const failures = scene.counter.failureCodes();
  if (Object.keys(failures).length > 0) scene.notes.push(`unacked sends by code: ${JSON.stringify(failures)}`);
  if (counts.deliveredUnacked > 0) scene.notes.push(`${counts.deliveredUnacked} handlings of unacked sends`);
  scene.notes.push(`client reconnects: ${scene.disconnects}`);
  scene.notes.push(`slowest ack: ${Math.round(scene.slowestAck.ms)} ms (${scene.slowestAck.sendId})`);
  if (scene.clientErrors.size > 0) scene.notes.push(`client error events: ${scene.clientErrors.summary()}`);
  const warnings = new Tally();
  const stderr: string[] = [];
  for (const line of brokers.flatMap((b) => b.problems)) {
    if (line.unparsed) stderr.push(String(line.msg));
    else warnings.add(String(line.msg));
  }
  if (warnings.size > 0) scene.notes.push(`broker warnings: ${warnings.summary()}`);
  if (stderr.length > 0) {
    scene.notes.push(`broker wrote ${stderr.length} non-JSON stderr lines (crash report in the diagnostics)`);
    diagnostics = { ...diagnostics, brokerStderr: stderr.slice(0, 60) };
  }
  const ok = counts.lost === 0 && counts.duplicated === 0 && checks.every((c) => c.ok);
  if (ok) diagnostics = {};
  return {
    number: options.number,
    name: options.name,
    verdict: ok ? "ok" : "FAIL",
    counts,
    checks,
    notes: scene.notes,
    diagnostics,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The scene's brokers, not started yet: one, or the plan's instances on the same database. */
async function createBrokers(
  ctx: ScenarioContext,
  tag: string,
  plan: InstancePlan | undefined,
): Promise<[ChaosBroker, ...ChaosBroker[]]> {
  const create = async (name: string) => {
    const settings = ctx.brokerSettings(name);
    return chaosBroker(name, await freePort(), { ...settings, env: { ...settings.env, ...plan?.env } });
  };
  const brokers: [ChaosBroker, ...ChaosBroker[]] = [await create(plan ? `${tag}-broker-0` : `${tag}-broker`)];
  for (let i = 1; i < (plan?.count ?? 1); i++) brokers.push(await create(`${tag}-broker-${i}`));
  return brokers;
}

/** Polls `done` every 50 ms until it holds or `timeoutMs` passes. */
export async function until(done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() >= deadline) return false;
    await Bun.sleep(50);
  }
  return true;
}
