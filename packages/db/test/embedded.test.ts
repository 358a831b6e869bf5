import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../src/embedded/index.ts";
import { makeTempDir } from "../src/testing/index.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function query(url: string, text: string): Promise<unknown[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe(text);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe("startEmbeddedPostgres", () => {
  test("initialises a cluster, keeps its data across a restart, and stops cleanly", async () => {
    const dir = makeTempDir("mesh-embedded");
    cleanups.push(dir.remove);

    const first = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true });
    cleanups.push(first.stop);
    expect(first.owned).toBe(true);
    expect(first.url).toContain("/mesh");
    await query(first.url, "create table kept (v int); insert into kept values (42)");
    await first.stop();
    expect(existsSync(join(dir.path, "pgdata", "postmaster.pid"))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true });
    cleanups.push(second.stop);
    expect(await query(second.url, "select v from kept")).toEqual([{ v: 42 }]);
  });

  test("a second start on a running cluster shares it instead of starting another", async () => {
    const dir = makeTempDir("mesh-embedded");
    cleanups.push(dir.remove);
    const owner = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true });
    cleanups.push(owner.stop);
    const sharer = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true, database: "other" });
    expect(sharer.port).toBe(owner.port);
    expect(await query(sharer.url, "select current_database() as db")).toEqual([{ db: "other" }]);
  });
});
