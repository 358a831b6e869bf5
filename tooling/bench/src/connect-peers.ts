import type { BenchPeer } from "./bench-fixture.ts";
import { LoadClient, type LoadClientOptions } from "./load-client.ts";

/** Where peers connect: one broker's `/ws` URL, or one chosen per peer (several instances). */
export type PeerUrl = string | ((peer: BenchPeer) => string);

/**
 * Connects and authenticates every peer, at most `concurrency` handshakes at
 * a time (a burst of thousands of SYNs would overflow the listen backlog).
 * On any failure, closes what it opened and rethrows.
 */
export async function connectPeers(
  url: PeerUrl,
  peers: readonly BenchPeer[],
  options: (peer: BenchPeer) => LoadClientOptions,
  concurrency = 64,
): Promise<LoadClient[]> {
  const clients: LoadClient[] = new Array(peers.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < peers.length) {
      const i = next++;
      const peer = peers[i] as BenchPeer;
      try {
        clients[i] = await LoadClient.connect(typeof url === "string" ? url : url(peer), peer, options(peer));
      } catch (e: unknown) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, peers.length) }, worker));
  if (failure !== undefined) {
    await closeClients(clients.filter(Boolean));
    throw failure;
  }
  return clients;
}

/** Closes every client (in parallel). */
export async function closeClients(clients: readonly LoadClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}
