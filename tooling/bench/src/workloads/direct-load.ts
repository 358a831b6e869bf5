import type { BenchPeer } from "../bench-fixture.ts";
import { closeClients, connectPeers, type PeerUrl } from "../connect-peers.ts";
import { type DeliveryFigures, DeliveryTracker, type PairClass, waitForDelivery } from "../delivery-tracker.ts";
import { ciphertextPool, encodeNonce } from "../envelope.ts";
import type { LoadClient } from "../load-client.ts";
import type { ResourceUsage } from "../resource-usage.ts";
import type { BenchSizes } from "../sizes.ts";

/** The shape of a closed-loop load (W1 and the transport ceiling direct, W3 broadcast). */
export interface DirectLoadOptions {
  /** Send to `*` (every other member) instead of one random peer. */
  broadcast?: boolean;
  messagesPerPeer: number;
  /** Sends a peer may have without an `ack`. */
  window: number;
  plaintextBytes: number;
  stallMs: number;
  features: string[];
  /** Splits send→push by kind of (sender, recipient) pair (W7: same or another instance). */
  pairClass?: PairClass;
}

/** The options every direct-load run shares: payload size, stall limit and the `ack` feature. */
export function baseLoadOptions(sizes: BenchSizes): Pick<DirectLoadOptions, "plaintextBytes" | "stallMs" | "features"> {
  return { plaintextBytes: sizes.plaintextBytes, stallMs: sizes.stallSeconds * 1000, features: ["ack"] };
}

/** Picks a peer other than `self` uniformly. */
export function randomOther(count: number, self: number): number {
  const j = Math.floor(Math.random() * (count - 1));
  return j >= self ? j + 1 : j;
}

/**
 * Every peer sends `messagesPerPeer` `now` envelopes (to random other peers,
 * or broadcast), as fast as its acks allow (at most `window`
 * unacknowledged), and waits until every envelope has been pushed to every
 * recipient.
 */
export async function runDirectLoad(
  url: PeerUrl,
  peers: readonly BenchPeer[],
  options: DirectLoadOptions,
  measure: () => () => ResourceUsage,
): Promise<{ figures: DeliveryFigures; usage: ResourceUsage; stalled?: string }> {
  const fanOut = options.broadcast ? peers.length - 1 : 1;
  const tracker = new DeliveryTracker(peers.length * options.messagesPerPeer * fanOut, options.pairClass);
  const nextCiphertext = ciphertextPool(options.plaintextBytes);
  const sent = new Array<number>(peers.length).fill(0);
  const inFlight = new Array<number>(peers.length).fill(0);
  let clients: LoadClient[] = [];

  const pump = (position: number): void => {
    const client = clients[position];
    if (!client) return;
    while ((inFlight[position] ?? 0) < options.window && (sent[position] ?? 0) < options.messagesPerPeer) {
      const seq = sent[position] ?? 0;
      const target = options.broadcast ? "*" : (peers[randomOther(peers.length, position)] as BenchPeer).keys.publicKey;
      const id = `${position}-${seq}`;
      const at = performance.now();
      client.send(target, "now", encodeNonce(at, client.peer.index, seq), nextCiphertext(), id);
      tracker.sent(id, at);
      sent[position] = seq + 1;
      inFlight[position] = (inFlight[position] ?? 0) + 1;
    }
  };
  const positionOf = new Map(peers.map((p, i) => [p.memberId, i]));
  const settle = (client: LoadClient): void => {
    const position = positionOf.get(client.peer.memberId) as number;
    inFlight[position] = (inFlight[position] ?? 0) - 1;
    pump(position);
  };

  clients = await connectPeers(url, peers, () => ({
    features: options.features,
    handlers: {
      onAck: (client, ack) => {
        tracker.acked(ack.id);
        settle(client);
      },
      onPush: (client, push) => {
        tracker.pushed(push.brokerMessageId, push.nonce, client.peer.index);
      },
      onError: (client, error) => {
        tracker.error(error.code);
        if (error.id !== undefined) settle(client);
      },
    },
  }));
  try {
    const stop = measure();
    for (let i = 0; i < clients.length; i++) pump(i);
    const outcome = await waitForDelivery(tracker, options.stallMs);
    const usage = stop();
    return { figures: tracker.figures(), usage, ...(outcome.complete ? {} : { stalled: outcome.reason }) };
  } finally {
    await closeClients(clients);
  }
}
