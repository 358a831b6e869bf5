import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../embedded/index.ts";
import { makeTempDir } from "./temp-dir.ts";
import { externalDatabaseUrl } from "./test-env.ts";

let shared: Promise<{ adminUrl: string; server?: EmbeddedPostgres; cleanup: () => Promise<void> }> | undefined;

/**
 * The Postgres server of this test run: `DATABASE_URL`'s server, or one
 * embedded cluster in a fresh temp folder, started on first use.
 */
function testServer() {
  shared ??= (async () => {
    if (externalDatabaseUrl) return { adminUrl: externalDatabaseUrl, cleanup: async () => {} };
    const dir = makeTempDir("mesh-test-pg");
    const server = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true, database: "postgres" });
    return {
      adminUrl: server.adminUrl,
      server,
      cleanup: async () => {
        await server.stop();
        dir.remove();
      },
    };
  })();
  return shared;
}

/** Stops the run's embedded server (if any); called once after all tests. */
export async function stopTestServer(): Promise<void> {
  if (!shared) return;
  const current = await shared;
  shared = undefined;
  await current.cleanup();
}

/** A database of its own for one test (file), dropped by `drop`. */
export interface TestDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** Creates an empty database on the run's server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl } = await testServer();
  const name = `mesh_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end({ timeout: 1 });
      }
    },
  };
}
