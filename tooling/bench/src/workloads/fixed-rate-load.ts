import type { BenchPeer } from "../bench-fixture.ts";
import type { DeliveryTracker } from "../delivery-tracker.ts";
import { ciphertextPool, encodeNonce } from "../envelope.ts";
import type { LoadClient } from "../load-client.ts";
import { randomOther } from "./direct-load.ts";

/** How often the open-loop sender wakes up to send what is due. */
const TICK_MS = 2;

/**
 * Open loop (W2, W7): sends `rate × seconds` direct `now` envelopes on
 * schedule, whatever the acks do, round-robin over the senders, each to a
 * random other peer; returns the seconds it took.
 */
export async function sendAtRate(
  clients: readonly LoadClient[],
  peers: readonly BenchPeer[],
  tracker: DeliveryTracker,
  rate: number,
  seconds: number,
  plaintextBytes: number,
): Promise<number> {
  const nextCiphertext = ciphertextPool(plaintextBytes);
  const total = rate * seconds;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    while (sent < due) {
      const from = sent % clients.length;
      const client = clients[from] as LoadClient;
      const target = peers[randomOther(peers.length, from)] as BenchPeer;
      const at = performance.now();
      const id = `${rate}-${sent}`;
      client.send(target.keys.publicKey, "now", encodeNonce(at, client.peer.index, sent), nextCiphertext(), id);
      tracker.sent(id, at);
      sent += 1;
    }
    await Bun.sleep(TICK_MS);
  }
  return (performance.now() - start) / 1000;
}
