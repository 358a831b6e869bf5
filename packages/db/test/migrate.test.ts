import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createDbClient, migrationsFolder, runMigrations } from "../src/index.ts";
import { createTestDatabase, runToExit, type TestDatabase } from "../src/testing/index.ts";

const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};
const migrationCount = journal.entries.length;
const migrateCli = join(import.meta.dir, "..", "src", "migrate-cli.ts");

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

async function tablesInMeshSchema(url: string): Promise<string[]> {
  const client = createDbClient(url, { max: 1 });
  try {
    const rows = await client.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'mesh' order by table_name`;
    return rows.map((r) => r.table_name);
  } finally {
    await client.close();
  }
}

describe("runMigrations", () => {
  test("applies every migration to an empty database, then is a no-op", async () => {
    const client = createDbClient(database.url, { max: 2 });
    try {
      expect(await runMigrations(client.sql)).toEqual({ applied: migrationCount, total: migrationCount });
      expect(await runMigrations(client.sql)).toEqual({ applied: 0, total: migrationCount });
    } finally {
      await client.close();
    }
    expect(await tablesInMeshSchema(database.url)).toEqual([
      "audit_log",
      "broker_instance",
      "hello_seen",
      "invite",
      "member",
      "mesh",
      "message_queue",
      "pending_status",
      "presence",
      "send_idempotency",
    ]);
  });

  test("leaves the pool's own type parsing: timestamps read after a migration run are Dates", async () => {
    const client = createDbClient(database.url, { max: 2 });
    try {
      await runMigrations(client.sql);
      const [row] = await client.sql<{ at: unknown; day: unknown }[]>`select now() as at, current_date as day`;
      expect(row?.at).toBeInstanceOf(Date);
      expect(row?.day).toBeInstanceOf(Date);
    } finally {
      await client.close();
    }
  });

  test("two processes migrating at once both succeed and neither applies twice", async () => {
    const run = () =>
      runToExit([process.execPath, migrateCli], { env: { ...process.env, DATABASE_URL: database.url } });
    const results = await Promise.all([run(), run()]);
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: "" });
    const applied = results.map((r) => (JSON.parse(r.stdout) as { applied: number }).applied).sort();
    expect(applied).toEqual([0, migrationCount]);

    const client = createDbClient(database.url, { max: 1 });
    try {
      const [row] = await client.sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(row?.n).toBe(migrationCount);
    } finally {
      await client.close();
    }
  });
});
