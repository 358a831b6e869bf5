import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import type { Sql } from "./client.ts";

/** Where drizzle-kit writes the committed migrations. */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/**
 * Advisory lock key that serialises migration runs across processes
 * (an arbitrary constant: the ASCII bytes of "meshmigr").
 */
export const MIGRATION_LOCK_KEY = 0x6d6573686d696772n;

/** What one migration run did. */
export interface MigrationResult {
  applied: number;
  total: number;
}

/**
 * Applies pending migrations while holding a session-level advisory lock on a
 * reserved connection, so concurrent brokers wait for each other and none
 * applies a migration twice.
 */
export async function runMigrations(sql: Sql): Promise<MigrationResult> {
  const lock = await sql.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    const before = await countApplied(sql);
    await applyMigrations(sql, migrationsFolder);
    const after = await countApplied(sql);
    return { applied: after - before, total: after };
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.catch(() => undefined);
    lock.release();
  }
}

/** Applies the migrations of `folder` not yet applied, leaving `sql`'s own type parsing as it was. */
export async function applyMigrations(sql: Sql, folder: string): Promise<void> {
  await migrate(drizzle(withOwnTypeParsers(sql)), { migrationsFolder: folder });
}

async function countApplied(sql: Sql): Promise<number> {
  const [table] = await sql<{ present: boolean }[]>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as present`;
  if (!table?.present) return 0;
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return row?.n ?? 0;
}

/**
 * `sql` seen through a copy of its type options. Building a drizzle handle
 * overwrites the client's timestamp and date parsers with pass-through ones
 * (drizzle parses those itself); on the caller's own pool that would turn
 * every timestamp its queries read into a string. The migrator reads no
 * timestamp, so the copy it mutates is simply dropped.
 */
function withOwnTypeParsers(sql: Sql): Sql {
  const options = { ...sql.options, parsers: { ...sql.options.parsers }, serializers: { ...sql.options.serializers } };
  return new Proxy(sql, { get: (target, key) => (key === "options" ? options : Reflect.get(target, key)) });
}
