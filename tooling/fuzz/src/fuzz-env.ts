/**
 * The only place the fuzz harness reads its environment: `DATABASE_URL`
 * points the run at that server (a database of its own is created there and
 * dropped); without it an embedded Postgres runs in a temp folder.
 */
// biome-ignore lint/style/noProcessEnv: the harness's single environment read.
const env = process.env;

export const fuzzEnv = Object.freeze({
  databaseUrl: env.DATABASE_URL || undefined,
});
