import postgres from "postgres";

/**
 * The postgres.js client every query runs on. Drizzle describes the schema
 * and generates the migrations; queries are SQL, with postgres.js's own type
 * parsing (timestamps come back as `Date`).
 */
export type Sql = postgres.Sql;
/** Runs queries: the pool itself, or a transaction opened on it. */
export type Queryable = postgres.ISql;
/** A piece of SQL built with the tagged template, to embed in another query. */
export type SqlFragment = postgres.PendingQuery<postgres.Row[]>;

/** A connection pool; `close` drains and ends it. */
export interface DbClient {
  sql: Sql;
  close: (timeoutSeconds?: number) => Promise<void>;
}

/** Options for {@link createDbClient}. */
export interface DbClientOptions {
  /** Pool size (postgres.js `max`). */
  max?: number;
  /** Seconds to wait for a TCP connection before failing a query. */
  connectTimeoutSeconds?: number;
  /** Tag shown in `pg_stat_activity.application_name`. */
  applicationName?: string;
  /** Receives server notices (postgres.js prints them to stdout by default). */
  onNotice?: (notice: postgres.Notice) => void;
  /**
   * Seconds an idle connection is kept (default 60); `null` keeps it for
   * good, as a `LISTEN` connection must be.
   */
  idleTimeoutSeconds?: number | null;
  /** Seconds before a connection is replaced (postgres.js default: 30 to 60 min); `null`: never. */
  maxLifetimeSeconds?: number | null;
  /** Receives `NOTIFY`s on the channels this client LISTENs to. */
  onNotify?: (channel: string, payload: string) => void;
  /** A connection of the pool closed (dropped by the server, or ended). */
  onConnectionClosed?: () => void;
}

/** Opens a connection pool to `url`. */
export function createDbClient(url: string, options: DbClientOptions = {}): DbClient {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: options.idleTimeoutSeconds === undefined ? 60 : (options.idleTimeoutSeconds ?? 0),
    ...(options.maxLifetimeSeconds === undefined ? {} : { max_lifetime: options.maxLifetimeSeconds }),
    onnotice: options.onNotice ?? (() => {}),
    ...(options.onNotify ? { onnotify: options.onNotify } : {}),
    ...(options.onConnectionClosed ? { onclose: options.onConnectionClosed } : {}),
    connection: { application_name: options.applicationName ?? "mesh-broker" },
  });
  return {
    sql,
    close: (timeoutSeconds = 5) => sql.end({ timeout: timeoutSeconds }),
  };
}
