import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, makeTempDir } from "@mesh/db/testing";
import { startTool, type ToolProcess } from "../helpers/tool-process.ts";

/** A real PgBouncer in front of one test database. */
export interface PgBouncerProcess extends ToolProcess, AsyncDisposable {
  /** The database through PgBouncer, to pass as a broker's `DATABASE_URL`. */
  url: string;
}

/** Options of {@link startPgBouncer}. */
export interface PgBouncerOptions {
  /** The PgBouncer program. */
  command: string;
  /** The database it pools, as a Postgres URL with the credentials it logs in with. */
  databaseUrl: string;
  poolMode: "session" | "transaction";
  /** Server connections it opens to the database, at most (`default_pool_size`). */
  poolSize: number;
  /**
   * Seconds a client may wait for a server connection before PgBouncer gives
   * up on it (`query_wait_timeout`): an undersized pool fails, it does not hang.
   */
  queryWaitTimeoutSeconds?: number;
  /** More `[pgbouncer]` settings, as written in the ini. */
  settings?: Readonly<Record<string, string>>;
}

/** A value of a `[databases]` connection string, quoted; test credentials never hold a quote or a backslash. */
function quoted(value: string): string {
  if (/['\\]/.test(value)) throw new Error("a quote or backslash in the test database's URL");
  return `'${value}'`;
}

/** The `pgbouncer.ini` for `options`, listening on 127.0.0.1:`port`; clients log in as anyone. */
export function pgBouncerIni(options: PgBouncerOptions, port: number): { ini: string; database: string } {
  const target = new URL(options.databaseUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const server = [
    `host=${quoted(target.hostname)}`,
    `port=${target.port || "5432"}`,
    `dbname=${quoted(database)}`,
    `user=${quoted(decodeURIComponent(target.username))}`,
    ...(target.password ? [`password=${quoted(decodeURIComponent(target.password))}`] : []),
  ].join(" ");
  const ini = [
    "[databases]",
    `${database} = ${server}`,
    "",
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    // Every database entry names the server user, so the client's user and password are not checked.
    "auth_type = any",
    `pool_mode = ${options.poolMode}`,
    `default_pool_size = ${options.poolSize}`,
    "max_client_conn = 500",
    `query_wait_timeout = ${options.queryWaitTimeoutSeconds ?? 60}`,
    ...Object.entries(options.settings ?? {}).map(([key, value]) => `${key} = ${value}`),
    "",
  ].join("\n");
  return { ini, database };
}

/** Starts PgBouncer on a free port and resolves once it listens. */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncerProcess> {
  const dir = makeTempDir("mesh-pgbouncer");
  const port = await freePort();
  const { ini, database } = pgBouncerIni(options, port);
  const iniPath = join(dir.path, "pgbouncer.ini");
  writeFileSync(iniPath, ini, { mode: 0o644 });
  // PgBouncer refuses to run as root; it switches to `-u`'s account after reading its ini.
  const asRoot = process.getuid?.() === 0 ? ["-u", "nobody"] : [];
  const { output, stop } = await startTool("pgbouncer", [options.command, ...asRoot, iniPath], {
    dir,
    ready: (logged) => logged.includes("process up"),
  });
  return {
    url: `postgres://mesh@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    output,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
