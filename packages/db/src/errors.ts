/** SQLSTATE 53300 too_many_connections: no connection slot left on the server, for the role or for the database. */
export const TOO_MANY_CONNECTIONS = "53300";
/** SQLSTATE 57P01 admin_shutdown: the server is shutting down, or pg_terminate_backend ended our session. */
export const ADMIN_SHUTDOWN = "57P01";
/** SQLSTATE 57P02 crash_shutdown: another backend crashed and the server is resetting. */
export const CRASH_SHUTDOWN = "57P02";
/** SQLSTATE 57P03 cannot_connect_now: the server is starting up, or in recovery. */
export const CANNOT_CONNECT_NOW = "57P03";
/**
 * SQLSTATE 25006 read_only_sql_transaction: a write reached a server that refuses writes for now
 * (`default_transaction_read_only`, or a standby after a failover); nothing was written.
 */
export const READ_ONLY_SQL_TRANSACTION = "25006";
/** SQLSTATE class 08 connection_exception (08000, 08003, 08006, 08P01…): the connection itself failed. */
export const CONNECTION_EXCEPTION_CLASS = "08";

const SERVER_UNAVAILABLE_STATES: ReadonlySet<string> = new Set([
  TOO_MANY_CONNECTIONS,
  ADMIN_SHUTDOWN,
  CRASH_SHUTDOWN,
  CANNOT_CONNECT_NOW,
  READ_ONLY_SQL_TRANSACTION,
]);

/** Socket, resolver and postgres.js codes meaning no usable connection reached the server. */
const CLIENT_UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  // Nothing listens on the port (yet).
  "ECONNREFUSED",
  // The server or something in between dropped the connection.
  "ECONNRESET",
  // We wrote to a connection the server had already closed.
  "EPIPE",
  // The TCP handshake got no answer.
  "ETIMEDOUT",
  // No route to the server's address.
  "EHOSTUNREACH",
  "ENETUNREACH",
  // The host name does not resolve (yet: a Kubernetes Service or Compose name published after we start).
  "ENOTFOUND",
  // The resolver could not answer for now.
  "EAI_AGAIN",
  // postgres.js: no ReadyForQuery within connect_timeout.
  "CONNECT_TIMEOUT",
  // postgres.js: the connection closed under a query.
  "CONNECTION_CLOSED",
  // postgres.js: the pool was ended (by us, on shutdown).
  "CONNECTION_ENDED",
  // postgres.js: the connection was destroyed while the query waited.
  "CONNECTION_DESTROYED",
]);

/** Wrappers (drizzle's query error, our own `{ cause }`) looked through at most this deep. */
const MAX_CAUSE_DEPTH = 5;

/**
 * True when `e` says Postgres could not be reached, dropped the connection,
 * refused it for now or refused a write for now (read-only), as opposed to a
 * query that was wrong: the one test of
 * "the database is unavailable", used to answer `db_unavailable` and to retry
 * at start-up. Looks through `cause` chains.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  let current: unknown = e;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    if (typeof current !== "object" || current === null) return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && isUnavailableCode(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function isUnavailableCode(code: string): boolean {
  return (
    CLIENT_UNAVAILABLE_CODES.has(code) ||
    SERVER_UNAVAILABLE_STATES.has(code) ||
    (code.length === 5 && code.startsWith(CONNECTION_EXCEPTION_CLASS))
  );
}
