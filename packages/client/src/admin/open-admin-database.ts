import { createDbClient, type DbClient, isDatabaseUnavailable, runMigrations } from "@mesh/db";
import { defaultDataDir, type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import { toError } from "@mesh/shared";
import { z } from "zod";
import { MeshError } from "../mesh-error.ts";

/** The variables the admin commands read, as the broker reads them (apps/broker config). */
const adminEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "DATABASE_URL is not a postgres:// or postgresql:// URL")
    .optional(),
  BROKER_DATA_DIR: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
});

/** Where the admin commands' database is. */
export type AdminDatabaseSource = { kind: "url"; url: string } | { kind: "embedded"; dataDir: string };

/**
 * Decides where the database is, the way the broker does: `DATABASE_URL`,
 * else (outside production) the embedded cluster in `BROKER_DATA_DIR` or the
 * default data folder. Empty variables count as unset.
 */
export function adminDatabaseSource(
  env: Record<string, string | undefined>,
  fallbackDataDir: () => string = defaultDataDir,
): AdminDatabaseSource {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = adminEnvSchema.safeParse(present);
  if (!parsed.success) throw new MeshError("bad_env", parsed.error.issues[0]?.message ?? "invalid environment");
  const { DATABASE_URL: url, BROKER_DATA_DIR: dataDir, NODE_ENV: nodeEnv } = parsed.data;
  if (url) return { kind: "url", url };
  if (nodeEnv === "production") {
    throw new MeshError("database_url_required", "DATABASE_URL is required when NODE_ENV=production");
  }
  return { kind: "embedded", dataDir: dataDir ?? fallbackDataDir() };
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
      throw new MeshError("db_unavailable", `embedded Postgres in ${source.dataDir}: ${toError(e).message}`, 1, {
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
  if (e instanceof MeshError || !isDatabaseUnavailable(e)) return e;
  return new MeshError("db_unavailable", `the database is unreachable: ${toError(e).message}`, 1, { cause: e });
}
