/**
 * The only place the bench reads its environment: `DATABASE_URL` points the
 * whole run at that server (a fresh database of its own is created there).
 */
// biome-ignore lint/style/noProcessEnv: the bench's single environment read.
const env = process.env;

export const benchEnv = Object.freeze({
  databaseUrl: env.DATABASE_URL || undefined,
  path: env.PATH ?? "",
  home: env.HOME ?? "",
});
