export { clusterPaths, readPostmasterPid } from "./cluster-files.ts";
export { defaultDataDir } from "./default-data-dir.ts";
export { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./launcher.ts";
