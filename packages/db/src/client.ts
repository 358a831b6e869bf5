import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

/** The typed drizzle handle over every table of the `mesh` schema. */
export type Db = PostgresJsDatabase<typeof schema>;
/** The raw postgres.js client, for SQL that drizzle does not express well. */
export type Sql = postgres.Sql;
/** A piece of SQL built with the tagged template, to embed in another query. */
export type SqlFragment = postgres.PendingQuery<postgres.Row[]>;

/** A database handle with its pool; `close` drains and ends the pool. */
export interface DbClient {
  db: Db;
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
}

/** Opens a pooled connection to `url` and wraps it with drizzle. */
export function createDbClient(url: string, options: DbClientOptions = {}): DbClient {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 60,
    onnotice: options.onNotice ?? (() => {}),
    connection: { application_name: options.applicationName ?? "mesh-broker" },
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: (timeoutSeconds = 5) => sql.end({ timeout: timeoutSeconds }),
  };
}
