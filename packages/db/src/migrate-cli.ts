/**
 * `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the
 * embedded default cluster when it is unset (as the broker would).
 */
import { createDbClient } from "./client.ts";
import { defaultDataDir, startEmbeddedPostgres } from "./embedded/index.ts";
import { runMigrations } from "./migrate.ts";

const url = process.env.DATABASE_URL;
const embedded = url
  ? undefined
  : await startEmbeddedPostgres({ dataDir: process.env.BROKER_DATA_DIR ?? defaultDataDir() });
const client = createDbClient(url ?? embedded?.url ?? "", { max: 2, applicationName: "mesh-migrate" });
try {
  const result = await runMigrations(client.sql);
  process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
} catch (e: unknown) {
  process.stderr.write(`migration failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  await client.close();
  await embedded?.stop();
}
