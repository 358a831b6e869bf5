export { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./launcher.ts";
export { clusterPaths, readPostmasterPid } from "./cluster-files.ts";
export { defaultDataDir } from "./default-data-dir.ts";
