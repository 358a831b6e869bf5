/**
 * How long a hook status that matched no session waits for its session's
 * hello (the first-turn race, docs/protocol.md#hook-endpoint) before it is swept.
 */
export const PENDING_STATUS_WINDOW_SECONDS = 10;
