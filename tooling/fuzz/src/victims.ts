import { type FuzzMember, signedHello } from "./generators/signed-hello.ts";
import { WsProbe } from "./ws-probe.ts";

/** Send→push latencies of the well-behaved pair, by phase. */
export interface VictimResult {
  latencyMs: Record<string, number[]>;
  sent: number;
  delivered: number;
  /** Errors or closes the pair saw (should be none). */
  troubles: string[];
}

/** A running pair: `phase` names the bucket new sends go to. */
export interface Victims {
  setPhase: (phase: string) => void;
  stop: () => Promise<VictimResult>;
}

async function hello(port: number, member: FuzzMember): Promise<WsProbe> {
  const probe = await WsProbe.open(port);
  probe.send(JSON.stringify(signedHello(member)));
  const obs = await probe.observe(true, 5000);
  if ((obs.frames[0] as { type?: unknown } | undefined)?.type !== "hello_ack") {
    throw new Error(`victim hello refused: ${JSON.stringify(obs)}`);
  }
  return probe;
}

/**
 * Two sessions of their own mesh: `sender` sends a direct `now` envelope to
 * `receiver` every `intervalMs`; the receiver times each push against its send.
 */
export async function startVictims(
  port: number,
  sender: FuzzMember,
  receiver: FuzzMember,
  intervalMs: number,
): Promise<Victims> {
  const from = await hello(port, sender);
  const to = await hello(port, receiver);
  const sentAt = new Map<number, { at: number; phase: string }>();
  const latencyMs: Record<string, number[]> = {};
  const troubles: string[] = [];
  let phase = "before";
  let seq = 0;
  let delivered = 0;
  let running = true;

  const receive = (async () => {
    while (running || sentAt.size > 0) {
      const event = await to.next(running ? 500 : 2000);
      if (!event) {
        if (!running) break;
        continue;
      }
      if (event.kind === "close") {
        troubles.push(`receiver closed ${event.code}`);
        break;
      }
      const frame = event.frame as { type?: string; ciphertext?: string; code?: string };
      if (frame.type !== "push" || !frame.ciphertext) {
        if (frame.type === "error") troubles.push(`receiver error ${frame.code}`);
        continue;
      }
      const n = Number(Buffer.from(frame.ciphertext, "base64").toString().replace("victim-", ""));
      const sent = sentAt.get(n);
      if (!sent) continue;
      sentAt.delete(n);
      delivered++;
      const bucket = latencyMs[sent.phase] ?? [];
      bucket.push(performance.now() - sent.at);
      latencyMs[sent.phase] = bucket;
    }
  })();

  const drainSender = (async () => {
    while (running) {
      const event = await from.next(500);
      if (event?.kind === "close") {
        troubles.push(`sender closed ${event.code}`);
        return;
      }
      const frame = event?.kind === "frame" ? (event.frame as { type?: string; code?: string }) : undefined;
      if (frame?.type === "error") troubles.push(`sender error ${frame.code}`);
    }
  })();

  const timer = setInterval(() => {
    const n = seq++;
    sentAt.set(n, { at: performance.now(), phase });
    from.send(
      JSON.stringify({
        type: "send",
        targetSpec: receiver.keys.publicKey,
        priority: "now",
        nonce: "bm9uY2U=",
        ciphertext: Buffer.from(`victim-${n}`).toString("base64"),
        id: `victim-${n}`,
      }),
    );
  }, intervalMs);

  return {
    setPhase: (p) => {
      phase = p;
    },
    stop: async () => {
      clearInterval(timer);
      running = false;
      await Promise.all([receive, drainSender]);
      await Promise.all([from.close(), to.close()]);
      return { latencyMs, sent: seq, delivered, troubles };
    },
  };
}

/** The `q` quantile (0..1) of `values`, or undefined when there are none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
