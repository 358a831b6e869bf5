export { defaultDataDir } from "./default-data-dir.ts";
export { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./launcher.ts";
