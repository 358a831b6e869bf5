/**
 * The only place the chaos harness reads its environment: `DATABASE_URL`
 * points the run at that server (a fresh database of its own is created
 * there and dropped at the end); without it the harness starts an embedded
 * Postgres it can stop and restart.
 */
// biome-ignore lint/style/noProcessEnv: the harness's single environment read.
const env = process.env;

export const chaosEnv = Object.freeze({
  databaseUrl: env.DATABASE_URL || undefined,
  path: env.PATH ?? "",
  home: env.HOME ?? "",
});
