import { openEmbeddedDatabase, openExternalDatabase } from "@mesh/harness";
import postgres from "postgres";
import { parentPid } from "./process-stats.ts";

/** The database the broker under test runs on. */
export interface BenchDatabase {
  url: string;
  kind: "embedded" | "external";
  /** The server's durability settings, as it reports them. */
  durability: string;
  serverVersion: string;
  /** The postmaster, when it runs on this host and is visible (CPU share). */
  postmasterPid: number | undefined;
  /** Drops the database (external) or stops the server and removes its folder (embedded). */
  stop: () => Promise<void>;
}

/**
 * A fresh database: on `externalUrl`'s server when given (created here,
 * dropped at the end), else an embedded Postgres in a temp folder with its
 * durable defaults (fsync on): the broker promises durability, so the bench
 * measures it with durability.
 */
export async function openBenchDatabase(
  externalUrl: string | undefined,
  options: { statementStats?: boolean } = {},
): Promise<BenchDatabase> {
  if (externalUrl) {
    const external = await openExternalDatabase(externalUrl, "mesh_bench");
    return { url: external.url, kind: "external", ...(await describeServer(external.url)), stop: external.drop };
  }
  const embedded = await openEmbeddedDatabase({
    tempDirPrefix: "mesh-bench-pg",
    database: "mesh_bench",
    ephemeral: false,
  });
  try {
    if (options.statementStats) {
      // pg_stat_statements must be preloaded: set it, restart, create the extension in the bench database.
      const admin = postgres(embedded.server.adminUrl, { max: 1, onnotice: () => {} });
      await admin`alter system set shared_preload_libraries = 'pg_stat_statements'`.finally(() => admin.end());
      await embedded.restart();
      const db = postgres(embedded.server.url, { max: 1, onnotice: () => {} });
      await db`create extension if not exists pg_stat_statements`.finally(() => db.end());
    }
    const url = embedded.server.url;
    return { url, kind: "embedded", ...(await describeServer(url)), stop: embedded.close };
  } catch (e: unknown) {
    await embedded.close().catch(() => undefined);
    throw e;
  }
}

async function describeServer(
  url: string,
): Promise<{ durability: string; serverVersion: string; postmasterPid: number | undefined }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const settings = await sql<{ name: string; setting: string }[]>`
      select name, setting from pg_settings
      where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'server_version')
      order by name`;
    const get = (n: string) => settings.find((s) => s.name === n)?.setting ?? "?";
    const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    // A backend's parent is the postmaster; only visible when the server runs on this host.
    const parent = backend ? parentPid(backend.pid) : undefined;
    return {
      durability: `fsync=${get("fsync")}, synchronous_commit=${get("synchronous_commit")}, full_page_writes=${get("full_page_writes")}, wal_sync_method=${get("wal_sync_method")}`,
      serverVersion: get("server_version"),
      postmasterPid: parent !== undefined && parent > 1 ? parent : undefined,
    };
  } finally {
    await sql.end({ timeout: 2 });
  }
}
