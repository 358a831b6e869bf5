/** How big each attack is: quick for CI, full for a real measurement. */
export interface AttackSizes {
  /** 1: sockets of the flooding member, and 60 KB frames written on each. */
  floodSockets: number;
  floodFramesPerSocket: number;
  /** 2: pipelined direct sends, and pipelined broadcasts in a 31-member mesh. */
  directBurst: number;
  broadcastBurst: number;
  /** 4: tokenless hooks, each with a fresh (pid, cwd). */
  hookFloodRequests: number;
  /** 4: how many status TTLs the re-posting attacker is watched for. */
  holdWatchTtls: number;
  /** 8: how long one member loops hello/close. */
  churnSeconds: number;
  /** 14: how long the list_peers / set_status flood lasts, and the sessions with long cwds it lists. */
  amplificationSeconds: number;
  amplificationFillerSessions: number;
  /** The victim pair's baseline before an attack starts. */
  victimBaselineMs: number;
}

export const QUICK_SIZES: AttackSizes = {
  floodSockets: 4,
  floodFramesPerSocket: 500,
  directBurst: 900,
  broadcastBurst: 300,
  hookFloodRequests: 300,
  holdWatchTtls: 3,
  churnSeconds: 3,
  amplificationSeconds: 3,
  amplificationFillerSessions: 24,
  victimBaselineMs: 1000,
};

export const FULL_SIZES: AttackSizes = {
  floodSockets: 4,
  floodFramesPerSocket: 1500,
  directBurst: 900,
  broadcastBurst: 900,
  hookFloodRequests: 1200,
  holdWatchTtls: 5,
  churnSeconds: 10,
  amplificationSeconds: 10,
  amplificationFillerSessions: 40,
  victimBaselineMs: 3000,
};
