import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sql } from "../client.ts";
import { applyMigrations, migrationsFolder } from "../migrate.ts";
import { makeTempDir } from "./temp-dir.ts";

interface Journal {
  entries: { idx: number; tag: string }[];
}

/**
 * Applies the committed migrations up to and including the one tagged
 * `lastTag` (e.g. `0011_waiting_index`), as an older broker would have left
 * the database, so a test can put rows in place before `runMigrations`
 * applies the rest.
 */
export async function migrateTo(sql: Sql, lastTag: string): Promise<void> {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as Journal;
  const end = journal.entries.findIndex((e) => e.tag === lastTag);
  if (end < 0) throw new Error(`no migration tagged ${lastTag}`);
  const entries = journal.entries.slice(0, end + 1);
  const folder = makeTempDir("mesh-migrations");
  try {
    mkdirSync(join(folder.path, "meta"));
    writeFileSync(join(folder.path, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
    for (const e of entries) copyFileSync(join(migrationsFolder, `${e.tag}.sql`), join(folder.path, `${e.tag}.sql`));
    await applyMigrations(sql, folder.path);
  } finally {
    folder.remove();
  }
}
