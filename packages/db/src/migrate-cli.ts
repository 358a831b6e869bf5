/**
 * `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the
 * embedded cluster when it is unset, reading the environment exactly as the
 * broker does (same variables, same ranges, same refusals).
 */
import { createDbClient } from "./client.ts";
import { defaultDataDir, startEmbeddedPostgres } from "./embedded/index.ts";
import { databaseSource, describeEnvProblem, parseDatabaseEnv } from "./env/index.ts";
import { runMigrations } from "./migrate.ts";

const parsed = parseDatabaseEnv(process.env);
if (!parsed.ok) {
  process.stderr.write(`${describeEnvProblem(parsed.problem)}\n`);
  process.exit(1);
}
const source = databaseSource(parsed.env, defaultDataDir);
const embedded = source.kind === "embedded" ? await startEmbeddedPostgres({ dataDir: source.dataDir }) : undefined;
const client = createDbClient(source.kind === "url" ? source.url : (embedded?.url ?? ""), {
  // One connection holds the migration lock while the other applies them.
  max: 2,
  applicationName: "mesh-migrate",
});
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
