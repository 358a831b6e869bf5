export {
  createDbClient,
  type DbClient,
  type DbClientOptions,
  type Queryable,
  type Sql,
  type SqlFragment,
} from "./client.ts";
export * from "./env/index.ts";
export {
  ADMIN_SHUTDOWN,
  CANNOT_CONNECT_NOW,
  CONNECTION_EXCEPTION_CLASS,
  CRASH_SHUTDOWN,
  isDatabaseUnavailable,
  TOO_MANY_CONNECTIONS,
} from "./errors.ts";
export { type MigrationResult, migrationsFolder, runMigrations } from "./migrate.ts";
export * from "./schema/index.ts";
