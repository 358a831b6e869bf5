/**
 * The only place the harnesses (bench, chaos) read their environment:
 * `DATABASE_URL` points a run at that server (a fresh database of its own is
 * created there and dropped at the end); PATH and HOME are handed on to the
 * broker child.
 */
// biome-ignore lint/style/noProcessEnv: the harnesses' single environment read.
const env = process.env;

export const harnessEnv = Object.freeze({
  databaseUrl: env.DATABASE_URL || undefined,
  path: env.PATH ?? "",
  home: env.HOME ?? "",
});
