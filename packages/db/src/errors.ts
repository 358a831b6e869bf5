/** postgres.js client-side error codes meaning "no usable connection". */
const CLIENT_CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/** Server SQLSTATEs meaning the server is going away or refusing connections. */
const SERVER_UNAVAILABLE_STATES = new Set([
  // admin_shutdown: the server is shutting down, or pg_terminate_backend ended our session.
  "57P01",
  // crash_shutdown: another backend crashed and the server is resetting.
  "57P02",
  // cannot_connect_now: the server is starting up or in recovery.
  "57P03",
  // too_many_connections.
  "53300",
]);

/**
 * True when `e` says Postgres could not be reached or dropped the
 * connection (as opposed to a query that was wrong): the caller answers
 * `db_unavailable` and may retry later.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== "string") return false;
  // SQLSTATE class 08: connection exceptions.
  return CLIENT_CONNECTION_CODES.has(code) || SERVER_UNAVAILABLE_STATES.has(code) || code.startsWith("08");
}
