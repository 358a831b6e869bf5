import { randomBytes } from "node:crypto";
import { type ChannelModel, type ConfirmChannel, connect } from "amqplib";
import type { PeerSession, PeerSystem } from "./peer-system.ts";

/** Unacknowledged deliveries a consumer may hold: enough that acks never throttle a window of 8. */
const CONSUMER_PREFETCH = 64;

/** RabbitMQ's two durable queue kinds: Raft-replicated quorum queues and classic durable queues. */
export type RabbitQueueType = "quorum" | "classic";

/** Resolves when an AMQP connection to `url` opens (closing it again), or with the reason it did not. */
export async function probeRabbitMq(url: string): Promise<string | undefined> {
  try {
    const connection = await connect(url, { timeout: 3000 });
    await connection.close();
    return undefined;
  } catch (e: unknown) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * RabbitMQ as a peer system: a connection and a confirm channel per peer, a
 * durable queue of `queueType` per peer, persistent messages (a publish
 * counts once confirmed, which RabbitMQ sends after its fsync), manual acks.
 */
export function rabbitMqSystem(
  url: string,
  queueType: RabbitQueueType,
  serverPid: () => number | undefined,
): PeerSystem {
  return {
    name: `RabbitMQ ${queueType === "quorum" ? "quorum queues" : "classic durable"}`,
    serverPid,
    async open(peerCount, deliver) {
      const prefix = `mesh-bench-peers-${randomBytes(4).toString("hex")}`;
      const queue = (peer: number) => `${prefix}-${peer}`;
      const connections: ChannelModel[] = [];
      const channels: ConfirmChannel[] = [];
      const declared: string[] = [];
      const close = async () => {
        const first = channels[0];
        for (const name of declared) await first?.deleteQueue(name).catch(() => undefined);
        await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
      };
      try {
        for (let peer = 0; peer < peerCount; peer++) {
          const connection = await connect(url);
          // An 'error' event without a listener would end the process; a lost connection shows as a stall instead.
          connection.on("error", () => undefined);
          connections.push(connection);
          const channel = await connection.createConfirmChannel();
          channel.on("error", () => undefined);
          channels.push(channel);
          await channel.prefetch(CONSUMER_PREFETCH);
          await channel.assertQueue(queue(peer), { durable: true, arguments: { "x-queue-type": queueType } });
          declared.push(queue(peer));
        }
        for (const [peer, channel] of channels.entries()) {
          await channel.consume(
            queue(peer),
            (message) => {
              if (!message) return;
              deliver(peer, message.content);
              channel.ack(message);
            },
            { noAck: false },
          );
        }
      } catch (e: unknown) {
        await close();
        throw e;
      }
      const session: PeerSession = {
        publish: (sender, recipient, body) =>
          new Promise((resolve, reject) => {
            const channel = channels[sender];
            if (!channel) return reject(new Error(`no channel for peer ${sender}`));
            channel.sendToQueue(queue(recipient), body, { persistent: true }, (err) =>
              err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
            );
          }),
        close,
      };
      return session;
    },
  };
}
