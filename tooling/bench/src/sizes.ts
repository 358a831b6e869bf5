import type { PeerShape } from "./peers/peer-system.ts";

/** How big each workload is; `--quick` shrinks every one of them. */
export interface BenchSizes {
  w1: { peers: number; messagesPerPeer: number; window: number };
  w2: { peers: number; rates: number[]; seconds: number };
  w3: { peers: number; broadcastsPerPeer: number; window: number };
  w4: { peers: number; messagesPerPeer: number };
  w5: { sessions: number; meshSize: number; messages: number; messagesPerSecond: number; connectConcurrency: number };
  w6: { sessions: number; concurrency: number; seconds: number };
  /**
   * Several instances on one database: a W1-style closed loop per instance
   * count in `instances` (the peers spread round-robin), then an open loop at
   * `latencyRate`/s for `latencySeconds` on the largest count.
   */
  w7: {
    instances: number[];
    peers: number;
    messagesPerPeer: number;
    window: number;
    latencyRate: number;
    latencySeconds: number;
  };
  /**
   * Seconds per run of the durability ceiling (single-row insert commits)
   * and of the row-write floor (the broker's rows written in batches).
   */
  ceilings: { insertSeconds: number; rowsSeconds: number };
  /**
   * The `peers` comparison (only with `--only peers`): each shape on the
   * broker and on RabbitMQ and NATS JetStream, `payloadBytes` per message
   * (the broker's ciphertext is that long before base64).
   */
  peers: { shapes: PeerShape[]; payloadBytes: number };
  /** Plaintext bytes per envelope; the ciphertext is 16 bytes longer (crypto_box MAC). */
  plaintextBytes: number;
  /** A workload with no progress for this long has failed. */
  stallSeconds: number;
}

/** The sizes issue 5 names (W7, added later, is sized to run in about 40 s). */
export const FULL_SIZES: BenchSizes = {
  w1: { peers: 100, messagesPerPeer: 1000, window: 32 },
  w2: { peers: 100, rates: [1000, 5000], seconds: 10 },
  w3: { peers: 50, broadcastsPerPeer: 100, window: 8 },
  w4: { peers: 100, messagesPerPeer: 100 },
  w5: { sessions: 10_000, meshSize: 100, messages: 1000, messagesPerSecond: 200, connectConcurrency: 64 },
  w6: { sessions: 100, concurrency: 64, seconds: 10 },
  w7: { instances: [1, 2, 3], peers: 100, messagesPerPeer: 500, window: 32, latencyRate: 500, latencySeconds: 10 },
  ceilings: { insertSeconds: 10, rowsSeconds: 10 },
  peers: {
    shapes: [
      { peers: 100, messagesPerPeer: 300, window: 2, measures: "throughput" },
      { peers: 100, messagesPerPeer: 1000, window: 8, measures: "throughput" },
      { peers: 10, messagesPerPeer: 100, window: 1, measures: "latency" },
    ],
    payloadBytes: 160,
  },
  plaintextBytes: 256,
  stallSeconds: 30,
};

/** CI's sizes: every code path, a fraction of the load. */
export const QUICK_SIZES: BenchSizes = {
  w1: { peers: 10, messagesPerPeer: 50, window: 32 },
  w2: { peers: 10, rates: [1000, 5000], seconds: 2 },
  w3: { peers: 10, broadcastsPerPeer: 20, window: 8 },
  w4: { peers: 10, messagesPerPeer: 20 },
  w5: { sessions: 500, meshSize: 100, messages: 100, messagesPerSecond: 200, connectConcurrency: 64 },
  w6: { sessions: 10, concurrency: 16, seconds: 2 },
  w7: { instances: [1, 2], peers: 10, messagesPerPeer: 800, window: 32, latencyRate: 500, latencySeconds: 3 },
  ceilings: { insertSeconds: 2, rowsSeconds: 2 },
  peers: {
    shapes: [
      { peers: 10, messagesPerPeer: 50, window: 2, measures: "throughput" },
      { peers: 10, messagesPerPeer: 100, window: 8, measures: "throughput" },
      { peers: 4, messagesPerPeer: 20, window: 1, measures: "latency" },
    ],
    payloadBytes: 160,
  },
  plaintextBytes: 256,
  stallSeconds: 20,
};
