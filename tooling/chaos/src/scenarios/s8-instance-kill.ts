import type { SocketFactory } from "@mesh/sdk";
import type { ChaosBroker } from "../cluster/broker-process.ts";
import { presenceQueries } from "../presence-queries.ts";
import { queueDiagnostics } from "../queue-diagnostics.ts";
import type { Scenario } from "../scenario.ts";
import { type InstancePlan, runScene, type Scene, until } from "../scene.ts";
import { TappedSocket } from "../tapped-socket.ts";

const INSTANCES = 3;
const HEARTBEAT_MS = 300;
const TIMEOUT_MS = 1500;
/**
 * Three instances with a short heartbeat and timeout, so survivors reap a
 * dead one within about two seconds. Sender i starts on instance i, receiver
 * i on the next one: no instance holds a sender and the receiver of the same
 * index, and most envelopes cross instances.
 */
const PLAN: InstancePlan = {
  count: INSTANCES,
  env: { INSTANCE_HEARTBEAT_MS: String(HEARTBEAT_MS), INSTANCE_TIMEOUT_MS: String(TIMEOUT_MS) },
  senderHome: (i) => i % INSTANCES,
  receiverHome: (i) => (i + 1) % INSTANCES,
};
/** The instance killed: it holds sender 1 and receiver 0 (and 3 in the full run). */
const DOOMED = 1;
/**
 * For this long before the kill, the `client_ack`s written to the doomed
 * instance never reach it — acks in flight when a process dies, widened so
 * that the kill always leaves leased, unacknowledged envelopes behind.
 */
const ACKS_LOST_MS = 300;
/** How long survivors get, past the timeout, to mark its presences disconnected. */
const REAP_GRACE_MS = 5000;
/** How long the redelivered envelopes get to be acknowledged, once the stream converged. */
const ACK_WAIT_MS = 5000;
/** What the reaping survivor logs (apps/broker/src/instances/instance-heartbeat.ts). */
const REAPED_LOG = "silent broker instances reaped";

/** Acks that died with the instance: from when `url` is set, each `client_ack` written to it is swallowed. */
interface LostAcks {
  url: string | undefined;
  count: number;
}

function losingAcks(lost: LostAcks): SocketFactory {
  return (url) =>
    new TappedSocket(url, {
      outgoing: (frame) => {
        if (frame.type !== "client_ack" || url !== lost.url) return "pass";
        lost.count += 1;
        return "swallow";
      },
    });
}

/** The registry id of the instance a live client of the scene is on (read from its presence). */
async function instanceIdOf(scene: Scene, instance: number): Promise<string> {
  for (const [client, route] of scene.routes) {
    const presenceId = client.session?.presenceId;
    if (route.current !== instance || presenceId === undefined) continue;
    const id = await presenceQueries.instanceOf(scene.ctx.sql, presenceId);
    if (id !== undefined) return id;
  }
  throw new Error(`no live client on instance ${instance}`);
}

/** The index of the survivor that logged the reap of `instanceId`, if one did (a warning: not with a quieter log level). */
function reaperOf(brokers: readonly ChaosBroker[], instanceId: string): number | undefined {
  const index = brokers.findIndex((b) =>
    b.problems.some(
      (line) =>
        line.msg === REAPED_LOG &&
        Array.isArray(line.instances) &&
        line.instances.some((i: unknown) => (i as { id?: unknown }).id === instanceId),
    ),
  );
  return index < 0 ? undefined : index;
}

/**
 * SIGKILL one of three instances in the middle of a stream, never restarted:
 * survivors must find it silent and reap its presences (releasing their
 * leases), and its clients, reconnecting to the next instance, must get
 * every envelope they had not acknowledged — once.
 */
export const instanceKill: Scenario = {
  number: 8,
  name: "SIGKILL one of three instances",
  run: (ctx) => {
    const lost: LostAcks = { url: undefined, count: 0 };
    let instanceId = "";
    let reapedAfterMs: number | undefined;
    return runScene(ctx, {
      number: 8,
      name: "SIGKILL one of three instances",
      instances: PLAN,
      senderSocket: () => losingAcks(lost),
      receiverSocket: () => losingAcks(lost),
      fault: async (scene) => {
        const doomed = scene.brokers[DOOMED];
        if (!doomed) throw new Error(`no instance ${DOOMED}`);
        instanceId = await instanceIdOf(scene, DOOMED);
        lost.url = doomed.wsUrl;
        await Bun.sleep(ACKS_LOST_MS);
        const held = await presenceQueries.live(ctx.sql, { instanceId });
        const killedAt = performance.now();
        const code = await doomed.kill("SIGKILL");
        const reaped = await until(
          async () => (await presenceQueries.live(ctx.sql, { instanceId })) === 0,
          TIMEOUT_MS + REAP_GRACE_MS,
        );
        if (reaped) reapedAfterMs = performance.now() - killedAt;
        scene.notes.push(
          `instance ${DOOMED} of ${INSTANCES} killed (${code}), not restarted; heartbeat ${HEARTBEAT_MS} ms, timeout ${TIMEOUT_MS} ms`,
          `${lost.count} client_acks of its last ${ACKS_LOST_MS} ms lost with it`,
          reapedAfterMs === undefined
            ? `its ${held} presences still live ${TIMEOUT_MS + REAP_GRACE_MS} ms after the kill`
            : `survivors marked its ${held} presences disconnected ${Math.round(reapedAfterMs)} ms after the kill`,
        );
      },
      checks: async (scene) => {
        const redeliveries = () => queueDiagnostics.redeliveries(ctx.sql, scene.mesh.id);
        await until(async () => (await redeliveries()).unacknowledged === 0, ACK_WAIT_MS);
        const { pushedAgain, unacknowledged } = await redeliveries();
        const routes = [...scene.routes];
        const homed = routes.filter(([, route]) => route.home === DOOMED);
        const rescued = homed.filter(([client, route]) => route.current !== DOOMED && client.session !== undefined);
        const moved = routes.filter(([, route]) => route.current !== route.home).length;
        const reaper = reaperOf(scene.brokers, instanceId);
        scene.notes.push(
          `clients moved: ${moved} of ${routes.length} (${rescued.length} of the killed instance's ${homed.length} now live on a survivor)`,
          `${pushedAgain} envelopes pushed a second time, ${unacknowledged} never acknowledged`,
          reaper === undefined ? `no survivor logged "${REAPED_LOG}" naming it` : `instance ${reaper} logged the reap`,
        );
        return [
          {
            name: "survivors reaped the killed instance's presences",
            ok: reapedAfterMs !== undefined,
            detail: reapedAfterMs === undefined ? "not within the deadline" : `${Math.round(reapedAfterMs)} ms`,
          },
          {
            name: "every client of the killed instance moved to a survivor",
            ok: homed.length > 0 && rescued.length === homed.length,
            detail: `${rescued.length} of ${homed.length}`,
          },
          {
            name: "what it held unacknowledged was pushed again and acknowledged",
            ok: lost.count > 0 && pushedAgain >= lost.count && unacknowledged === 0,
            detail: `${lost.count} acks lost, ${pushedAgain} pushed again, ${unacknowledged} rows unacknowledged`,
          },
        ];
      },
    });
  },
};
