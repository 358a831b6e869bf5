import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createDbClient, type DbClient, migrationsFolder, runMigrations } from "@mesh/db";
import { createTestDatabase, type TestDatabase } from "@mesh/db/testing";
import { createMesh, type TestMesh } from "../helpers/mesh-fixtures.ts";

/*
 * Migration 0008 on a database whose meshes already hold duplicate display
 * names (any broker before it let a name repeat): its own SQL, run on a real
 * Postgres that has everything else, renames the duplicates deterministically
 * and then creates the unique index the join relies on.
 */

const MIGRATION = join(migrationsFolder, "0008_unique_display_names.sql");
const INDEX = "member_mesh_display_name_uq";

let database: TestDatabase;
let db: DbClient;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDbClient(database.url, { max: 2 });
  await runMigrations(db.sql);
  // Back to the schema before 0008, when nothing kept names apart.
  await db.sql.unsafe(`drop index mesh.${INDEX}`);
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

async function insertMember(mesh: TestMesh, id: string, name: string, joinedAt: string, revoked = false) {
  await db.sql`
    insert into mesh.member (id, mesh_id, pubkey, display_name, joined_at, revoked_at)
    values (${id}, ${mesh.id}, ${`key-${id}`}, ${name}, ${joinedAt}, ${revoked ? joinedAt : null})`;
}

const namesOf = async (mesh: TestMesh) =>
  Object.fromEntries(
    (
      await db.sql<{ id: string; display_name: string }[]>`
      select id, display_name from mesh.member where mesh_id = ${mesh.id}`
    ).map((r) => [r.id, r.display_name]),
  );

describe("migration 0008", () => {
  test("renames duplicate names (first joiner keeps it, then the lowest id), audits each, adds the unique index", async () => {
    const mesh = await createMesh(db.sql);
    const neighbour = await createMesh(db.sql);
    await insertMember(mesh, "a-suffixed", "bob (2)", "2030-01-01T00:00:00Z");
    await insertMember(mesh, "a-first", "bob", "2030-01-01T00:00:01Z");
    await insertMember(mesh, "a-revoked", "bob", "2030-01-01T00:00:02Z", true);
    await insertMember(mesh, "a-second", "Bob", "2030-01-01T00:00:03Z");
    await insertMember(mesh, "a-third", "BOB", "2030-01-01T00:00:04Z");
    await insertMember(mesh, "b-eve", "eve", "2030-01-01T00:00:05Z");
    await insertMember(mesh, "a-eve", "eve", "2030-01-01T00:00:05Z");
    await insertMember(mesh, "a-alice", "alice", "2030-01-01T00:00:06Z");
    await insertMember(neighbour, "n-bob", "bob", "2030-01-01T00:00:00Z");

    const statements = readFileSync(MIGRATION, "utf8").split("--> statement-breakpoint");
    await db.sql.begin(async (tx) => {
      for (const statement of statements) await tx.unsafe(statement);
    });

    expect(await namesOf(mesh)).toEqual({
      "a-suffixed": "bob (2)",
      "a-first": "bob",
      // A revoked member holds no name: it keeps its own and takes none.
      "a-revoked": "bob",
      // " (2)" is taken (ignoring case), so the first free suffix.
      "a-second": "Bob (3)",
      "a-third": "BOB (4)",
      // Joined at the same instant: the lower id keeps the name.
      "a-eve": "eve",
      "b-eve": "eve (2)",
      "a-alice": "alice",
    });
    expect(await namesOf(neighbour)).toEqual({ "n-bob": "bob" });

    const audit = await db.sql<{ target: string; detail: Record<string, string> }[]>`
      select target, detail from mesh.audit_log where event = 'member_renamed' and mesh_id = ${mesh.id} order by id`;
    expect(audit.map((r) => [r.target, r.detail.old, r.detail.new])).toEqual([
      ["a-second", "Bob", "Bob (3)"],
      ["a-third", "BOB", "BOB (4)"],
      ["b-eve", "eve", "eve (2)"],
    ]);

    const [index] = await db.sql<{ def: string }[]>`select indexdef as def from pg_indexes where indexname = ${INDEX}`;
    expect(index?.def).toContain("lower(display_name)");
    expect(index?.def).toContain("revoked_at IS NULL");
    const duplicate = await insertMember(mesh, "a-late", "ALICE", "2030-01-02T00:00:00Z").catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: "23505", constraint_name: INDEX });
    await insertMember(mesh, "a-rejoined", "Bob (2) again", "2030-01-02T00:00:00Z");
  });
});
