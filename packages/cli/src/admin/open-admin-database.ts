import {
  createDbClient,
  type DatabaseSource,
  type DbClient,
  databaseSource,
  isDatabaseUnavailable,
  parseDatabaseEnv,
  runMigrations,
} from "@mesh/db";
import { defaultDataDir, type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import { toError } from "@mesh/shared";
import { CliError } from "../cli-error.ts";

/** Where the admin commands' database is. */
export type AdminDatabaseSource = DatabaseSource;

/**
 * Decides where the database is, reading the environment exactly as the
 * broker does (same variables, same ranges, same refusals): `DATABASE_URL`,
 * else (outside production) the embedded cluster in `BROKER_DATA_DIR` or the
 * default data folder. Empty variables count as unset.
 */
export function adminDatabaseSource(
  env: Record<string, string | undefined>,
  fallbackDataDir: () => string = defaultDataDir,
): AdminDatabaseSource {
  const parsed = parseDatabaseEnv(env);
  if (!parsed.ok) {
    const { variable, problem, accepted } = parsed.problem;
    const code = parsed.refusal === "url_missing" ? "database_url_required" : "bad_env";
    throw new CliError(code, `${variable} ${problem}; accepted: ${accepted}`);
  }
  return databaseSource(parsed.env, fallbackDataDir);
}

/** An open database with the broker's tables; `close` ends what was opened. */
export interface AdminDatabase {
  client: DbClient;
  /** Where it is; the embedded cluster's folder is worth telling the operator. */
  source: AdminDatabaseSource;
  close: () => Promise<void>;
}

/**
 * Opens the broker's database and applies pending migrations (idempotent,
 * under the same advisory lock the broker takes). On the embedded default it
 * joins the cluster a running broker holds, or starts one that `close` stops.
 */
export async function openAdminDatabase(
  env: Record<string, string | undefined>,
  options: { onEvent?: (event: string, fields: Record<string, unknown>) => void } = {},
): Promise<AdminDatabase> {
  const source = adminDatabaseSource(env);
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  if (source.kind === "url") {
    url = source.url;
  } else {
    try {
      embedded = await startEmbeddedPostgres({ dataDir: source.dataDir, onEvent: options.onEvent });
    } catch (e: unknown) {
      throw new CliError("db_unavailable", `embedded Postgres in ${source.dataDir}: ${toError(e).message}`, 1, {
        cause: e,
      });
    }
    url = embedded.url;
  }
  const client = createDbClient(url, { max: 2, applicationName: "mesh-admin" });
  const close = async () => {
    await client.close().catch(() => undefined);
    await embedded?.stop();
  };
  try {
    await runMigrations(client.sql);
  } catch (e: unknown) {
    await close();
    throw asDatabaseError(e);
  }
  return { client, source, close };
}

/** Turns an unreachable database into `db_unavailable`; leaves other errors as they are. */
export function asDatabaseError(e: unknown): unknown {
  if (e instanceof CliError || !isDatabaseUnavailable(e)) return e;
  return new CliError("db_unavailable", `the database is unreachable: ${toError(e).message}`, 1, { cause: e });
}
