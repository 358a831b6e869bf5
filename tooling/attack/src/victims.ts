import type { Sql } from "@mesh/db";
import { addMember, createMesh } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { AttackSocket } from "./net/attack-socket.ts";
import { openSession } from "./net/hello.ts";
import { quantile } from "./stats.ts";

/** What the well-behaved pair saw: send→push p99 before and during the attack. */
export interface VictimSummary {
  beforeP99Ms: number | undefined;
  duringP99Ms: number | undefined;
  /** The bulk and the worst of "during": one scheduler hiccup moves a p99 of ~150 samples, not these. */
  duringP95Ms: number | undefined;
  duringMaxMs: number | undefined;
  sent: number;
  delivered: number;
  /** Errors or closes the pair saw. */
  troubles: string[];
}

/** A running pair; sends are counted as "before" until `during()`. */
export interface VictimPair {
  during: () => void;
  stop: () => Promise<VictimSummary>;
}

/** Send interval of the pair. */
const INTERVAL_MS = 25;
/**
 * The first sends warm the paths up (JIT, pool connections, a fresh
 * database's caches) and are not part of the baseline: warm-up lasts at
 * least WARMUP_MIN_MS, and until WARM_STREAK deliveries in a row each took
 * under WARM_UNDER_MS, or WARMUP_MAX_MS at most.
 */
const WARMUP_MIN_MS = 300;
const WARMUP_MAX_MS = 3000;
const WARM_STREAK = 10;
const WARM_UNDER_MS = 30;

/**
 * Two sessions of a mesh of their own on the broker under attack: the sender
 * sends the receiver a direct `now` envelope every 25 ms, the receiver times
 * each push against its send. Resolves once `baselineMs` of "before" sends went out.
 */
export async function startVictimPair(target: { wsUrl: string; sql: Sql }, baselineMs: number): Promise<VictimPair> {
  const mesh = await createMesh(target.sql, "victim mesh");
  const [senderMember, receiverMember] = await Promise.all([
    addMember(target.sql, mesh, { displayName: "victim-sender" }),
    addMember(target.sql, mesh, { displayName: "victim-receiver" }),
  ]);
  const sender = (await openSession(target.wsUrl, senderMember, { cwd: "/home/victim/sender" })).socket;
  const receiver = (await openSession(target.wsUrl, receiverMember, { cwd: "/home/victim/receiver" })).socket;
  type Phase = "warmup" | "before" | "during";
  const sentAt = new Map<string, { at: number; phase: Phase }>();
  const latencies: Record<Phase, number[]> = { warmup: [], before: [], during: [] };
  const troubles: string[] = [];
  let phase: Phase = "warmup";
  let seq = 0;
  let delivered = 0;
  let warmStreak = 0;

  const watch = (socket: AttackSocket, who: string) => {
    socket.stopRecording();
    socket.onFrame((frame) => {
      if (frame.type === "error") troubles.push(`${who} error ${String(frame.code)}`);
      if (frame.type !== "push" || who !== "receiver") return;
      const tag = Buffer.from(String(frame.ciphertext), "base64").toString();
      const sent = sentAt.get(tag);
      if (!sent) return;
      sentAt.delete(tag);
      delivered += 1;
      const latency = performance.now() - sent.at;
      // A baseline send still in flight when the attack began measures the attack, not the baseline.
      if (sent.phase !== phase && phase === "during") return;
      latencies[sent.phase].push(latency);
      warmStreak = latency < WARM_UNDER_MS ? warmStreak + 1 : 0;
    });
    void socket.closed.then((c) => {
      if (running) troubles.push(`${who} closed ${c.code}`);
    });
  };
  let running = true;
  watch(sender, "sender");
  watch(receiver, "receiver");

  const timer = setInterval(() => {
    const tag = `victim-${seq++}`;
    sentAt.set(tag, { at: performance.now(), phase });
    sender.send({
      type: "send",
      targetSpec: receiverMember.keys.publicKey,
      priority: "now",
      nonce: "bm9uY2U=",
      ciphertext: Buffer.from(tag).toString("base64"),
      id: tag,
    });
  }, INTERVAL_MS);
  const warmupStarted = performance.now();
  await Bun.sleep(WARMUP_MIN_MS);
  while (warmStreak < WARM_STREAK && performance.now() - warmupStarted < WARMUP_MAX_MS) await Bun.sleep(INTERVAL_MS);
  phase = "before";
  await Bun.sleep(baselineMs);

  return {
    during: () => {
      phase = "during";
    },
    stop: async () => {
      clearInterval(timer);
      const deadline = performance.now() + 3000;
      while (sentAt.size > 0 && performance.now() < deadline && receiver.isOpen) await Bun.sleep(50);
      running = false;
      await Promise.all([sender.close(), receiver.close()]);
      return {
        beforeP99Ms: quantile(latencies.before, 0.99),
        duringP99Ms: quantile(latencies.during, 0.99),
        duringP95Ms: quantile(latencies.during, 0.95),
        duringMaxMs: latencies.during.length > 0 ? Math.max(...latencies.during) : undefined,
        sent: seq,
        delivered,
        troubles: [...new Set(troubles)],
      };
    },
  };
}
