import { randomBytes } from "node:crypto";
import {
  AckPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
  StorageType,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { PeerSession, PeerSystem } from "./peer-system.ts";

/** Messages a consumer pulls ahead: enough that acks never throttle a window of 8. */
const CONSUMER_PREFETCH = 64;

/** Resolves when a NATS connection with JetStream answers (closing it again), or with the reason it did not. */
export async function probeJetStream(server: string): Promise<string | undefined> {
  let connection: NatsConnection | undefined;
  try {
    connection = await connect({ servers: server, timeout: 3000, reconnect: false });
    await (await jetstreamManager(connection)).getAccountInfo();
    return undefined;
  } catch (e: unknown) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * NATS JetStream as a peer system: a file-storage stream per run with a
 * subject per peer, a connection and an explicit-ack pull consumer per
 * peer; a publish counts once JetStream acked it.
 */
export function jetStreamSystem(name: string, server: string, serverPid: () => number | undefined): PeerSystem {
  return {
    name,
    serverPid,
    async open(peerCount, deliver) {
      const run = randomBytes(4).toString("hex");
      const stream = `mesh-bench-peers-${run}`;
      const subject = (peer: number) => `mesh-bench.${run}.${peer}`;
      const connections: NatsConnection[] = [];
      const clients: JetStreamClient[] = [];
      const consumers: ConsumerMessages[] = [];
      const loops: Promise<void>[] = [];
      let streamCreated = false;
      const close = async () => {
        await Promise.all(consumers.map((c) => c.close().catch(() => undefined)));
        await Promise.all(loops);
        const admin = connections[0];
        if (admin && streamCreated) await (await jetstreamManager(admin)).streams.delete(stream).catch(() => undefined);
        await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
      };
      try {
        for (let peer = 0; peer < peerCount; peer++) {
          const connection = await connect({ servers: server, reconnect: false });
          connections.push(connection);
          clients.push(jetstream(connection));
        }
        const admin = await jetstreamManager(connections[0] as NatsConnection);
        await admin.streams.add({ name: stream, subjects: [`mesh-bench.${run}.>`], storage: StorageType.File });
        streamCreated = true;
        for (const [peer, client] of clients.entries()) {
          await admin.consumers.add(stream, {
            durable_name: `peer-${peer}`,
            filter_subject: subject(peer),
            ack_policy: AckPolicy.Explicit,
          });
          const messages = await (await client.consumers.get(stream, `peer-${peer}`)).consume({
            max_messages: CONSUMER_PREFETCH,
          });
          consumers.push(messages);
          loops.push(
            (async () => {
              for await (const message of messages) {
                deliver(peer, message.data);
                message.ack();
              }
            })().catch(() => undefined),
          );
        }
      } catch (e: unknown) {
        await close();
        throw e;
      }
      const session: PeerSession = {
        publish: async (sender, recipient, body) => {
          const client = clients[sender];
          if (!client) throw new Error(`no client for peer ${sender}`);
          await client.publish(subject(recipient), body);
        },
        close,
      };
      return session;
    },
  };
}
