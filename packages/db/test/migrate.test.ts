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
      "admin_request_seen",
      "audit_log",
      "broker_instance",
      "envelope",
      "hello_seen",
      "invite",
      "member",
      "mesh",
      "message_queue",
      "pending_status",
      "presence",
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

  test("revoking a member or archiving a mesh, by any statement, notifies mesh_revoke at commit", async () => {
    const client = createDbClient(database.url, { max: 3 });
    try {
      await runMigrations(client.sql);
      const heard: string[] = [];
      const listening = await client.sql.listen("mesh_revoke", (payload) => heard.push(payload));
      const [mesh] = await client.sql<{ id: string }[]>`
        insert into mesh.mesh (name, slug, owner_pubkey, root_key) values ('m', 'm', 'k', 'r') returning id`;
      const [member] = await client.sql<{ id: string }[]>`
        insert into mesh.member (mesh_id, pubkey, display_name) values (${String(mesh?.id)}, 'p', 'n') returning id`;
      await client.sql`update mesh.member set display_name = 'renamed' where id = ${String(member?.id)}`;
      await client.sql`update mesh.member set revoked_at = now() where id = ${String(member?.id)}`;
      await client.sql`update mesh.member set revoked_at = now() where id = ${String(member?.id)}`;
      await client.sql`update mesh.mesh set archived_at = now() where id = ${String(mesh?.id)}`;
      const expected = [JSON.stringify({ memberId: member?.id }), JSON.stringify({ meshId: mesh?.id })];
      for (let i = 0; i < 100 && heard.length < expected.length; i++) await Bun.sleep(50);
      // A rename and a second revocation of the same member say nothing.
      expect(heard.map((h) => JSON.stringify(JSON.parse(h)))).toEqual(expected);
      await listening.unlisten();
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
