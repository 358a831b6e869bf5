import { createDbClient, type DbClient } from "@mesh/db";
import { defaultDataDir, type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import type { Config } from "../config/index.ts";
import type { Logger } from "../lib/logger.ts";

/** The database the broker runs on, and the embedded server if it started one. */
export interface OpenedDatabase {
  client: DbClient;
  /**
   * One connection of its own for the health ping: a pool busy with a backlog
   * must not look like an outage (and stop sends with `db_unavailable`).
   */
  pingClient: DbClient;
  embedded: EmbeddedPostgres | undefined;
  /** Where the database is, for connections opened later (the wake-up listener). */
  url: string;
}

/**
 * Connects to `DATABASE_URL`, or (outside production, where config already
 * refused a missing URL) starts the embedded Postgres and says so.
 */
export async function openDatabase(config: Config, log: Logger): Promise<OpenedDatabase> {
  let url = config.databaseUrl;
  let embedded: EmbeddedPostgres | undefined;
  if (!url) {
    const dataDir = config.dataDir ?? defaultDataDir();
    log.info({ data_dir: dataDir }, "no DATABASE_URL: using the embedded Postgres");
    embedded = await startEmbeddedPostgres({
      dataDir,
      onEvent: (event, fields) => log.info(fields, event),
    });
    url = embedded.url;
  }
  const client = createDbClient(url, {
    max: config.dbPoolSize,
    applicationName: "mesh-broker",
    onNotice: (notice) => log.debug({ notice: notice.message }, "postgres notice"),
  });
  const pingClient = createDbClient(url, { max: 1, applicationName: "mesh-broker-ping" });
  return { client, pingClient, embedded, url };
}
