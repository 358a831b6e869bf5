/** How big each workload is; `--quick` shrinks every one of them. */
export interface BenchSizes {
  w1: { peers: number; messagesPerPeer: number; window: number };
  w2: { peers: number; rates: number[]; seconds: number };
  w3: { peers: number; broadcastsPerPeer: number; window: number };
  w4: { peers: number; messagesPerPeer: number };
  w5: { sessions: number; meshSize: number; messages: number; messagesPerSecond: number; connectConcurrency: number };
  w6: { sessions: number; concurrency: number; seconds: number };
  ceilings: { insertSeconds: number };
  /** Plaintext bytes per envelope; the ciphertext is 16 bytes longer (crypto_box MAC). */
  plaintextBytes: number;
  /** A workload with no progress for this long has failed. */
  stallSeconds: number;
}

/** The sizes issue 5 names. */
export const FULL_SIZES: BenchSizes = {
  w1: { peers: 100, messagesPerPeer: 1000, window: 32 },
  w2: { peers: 100, rates: [1000, 5000], seconds: 10 },
  w3: { peers: 50, broadcastsPerPeer: 100, window: 8 },
  w4: { peers: 100, messagesPerPeer: 100 },
  w5: { sessions: 10_000, meshSize: 100, messages: 1000, messagesPerSecond: 200, connectConcurrency: 64 },
  w6: { sessions: 100, concurrency: 64, seconds: 10 },
  ceilings: { insertSeconds: 10 },
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
  ceilings: { insertSeconds: 2 },
  plaintextBytes: 256,
  stallSeconds: 20,
};
