import type { MeshClient, SendResult } from "@mesh/sdk";
import { BROADCAST_TARGET } from "@mesh/shared";
import type { TestMember } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { AppCounter } from "./app-counter.ts";
import type { StreamSizes } from "./scenario.ts";

/** A member that sends, with its live client. */
export interface Sender {
  member: TestMember;
  client: MeshClient;
}

/** What a stream needs: who sends, who may be addressed, and where results go. */
export interface StreamPlan {
  tag: string;
  sizes: StreamSizes;
  senders: readonly Sender[];
  /** Direct targets, in round-robin order. */
  targets: readonly TestMember[];
  /** Every member of the mesh (broadcast recipients are all of them but the sender). */
  members: readonly TestMember[];
  counter: AppCounter;
  /** Plaintext padding, to make envelopes heavier (slow consumer). */
  padBytes: number;
  /** How long each acked send waited for its ack. */
  onAckLatency?: (sendId: string, ms: number) => void;
  /** Called after an acked send (scenario 5 retries it). */
  afterAck?: (send: { sender: Sender; sendId: string; target: string; text: string; result: SendResult }) => void;
}

/** The plaintext of one envelope: the recipient reads the send id back out of it. */
export function envelopeText(sendId: string, padBytes: number): string {
  return JSON.stringify({ sendId, pad: "x".repeat(padBytes) });
}

/** The send id inside a received plaintext, or undefined for anything else. */
export function sendIdOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { sendId?: unknown };
    return typeof parsed.sendId === "string" ? parsed.sendId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every sender sends `sendsPerSender` envelopes at `now` priority, one per
 * interval, without waiting for the acks (they pile up across a fault the
 * way a real agent's would); every `broadcastEvery`-th is a broadcast, the
 * rest go round-robin to the targets. Resolves once every send is out (not
 * answered: the counter tracks the answers).
 */
export async function runStream(plan: StreamPlan): Promise<void> {
  const { sizes, counter } = plan;
  await Promise.all(
    plan.senders.map(async (sender, i) => {
      for (let seq = 0; seq < sizes.sendsPerSender; seq++) {
        const sendId = `${plan.tag}-${i}-${seq}`;
        const broadcast = seq % sizes.broadcastEvery === sizes.broadcastEvery - 1;
        const direct = plan.targets[(i + seq) % plan.targets.length];
        if (!direct) throw new Error("a stream needs at least one target");
        const recipients = broadcast
          ? plan.members.filter((m) => m.id !== sender.member.id).map((m) => m.id)
          : [direct.id];
        const target = broadcast ? BROADCAST_TARGET : direct.keys.publicKey;
        const text = envelopeText(sendId, plan.padBytes);
        counter.planned({ sendId, recipients });
        const sentAt = performance.now();
        sender.client.send(target, text, { id: sendId, priority: "now" }).then(
          (result) => {
            counter.acked(sendId, result.messageId);
            plan.onAckLatency?.(sendId, performance.now() - sentAt);
            plan.afterAck?.({ sender, sendId, target, text, result });
          },
          (e: unknown) => counter.failed(sendId, (e as { code?: string }).code ?? "error"),
        );
        await Bun.sleep(sizes.intervalMs);
      }
    }),
  );
}
