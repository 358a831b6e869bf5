/** Reconnect delays: exponential from `initialMs`, capped at `maxMs`. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 15_000 };

/**
 * The delay before reconnect attempt `attempt` (0 for the first): the capped
 * exponential, scaled by a random factor in [0.5, 1) so that clients dropped
 * together do not come back together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponential = options.initialMs * 2 ** Math.min(attempt, 30);
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped * (0.5 + random() / 2));
}
