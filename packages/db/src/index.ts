export {
  createDbClient,
  type DbClient,
  type DbClientOptions,
  type Queryable,
  type Sql,
  type SqlFragment,
} from "./client.ts";
export { isDatabaseUnavailable } from "./errors.ts";
export { type MigrationResult, migrationsFolder, runMigrations } from "./migrate.ts";
export * from "./schema/index.ts";
