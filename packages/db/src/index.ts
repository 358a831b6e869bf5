export { createDbClient, type Db, type DbClient, type DbClientOptions, type Sql } from "./client.ts";
export { type MigrationResult, migrationsFolder, runMigrations } from "./migrate.ts";
export * from "./schema/index.ts";
