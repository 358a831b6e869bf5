import { randomBytes } from "node:crypto";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import { freePort, makeTempDir } from "@mesh/db/testing";
import postgres from "postgres";

/** The database every scenario of the run uses (each scenario owns its own mesh in it). */
export interface ChaosDatabase {
  url: string;
  /** Database name: a `pg_terminate_backend` must never reach another database's brokers. */
  name: string;
  kind: "embedded" | "external";
  /** Stops the embedded server and starts it again on the same port and folder; undefined with DATABASE_URL. */
  restart: (() => Promise<void>) | undefined;
  /** Drops the database (external) or stops the server and removes its folder (embedded). */
  close: () => Promise<void>;
}

const DATABASE = "mesh_chaos";

/**
 * A fresh database: on `externalUrl`'s server when given (created here,
 * dropped by `close`), else an embedded Postgres in a temp folder on a fixed
 * port, so it can be stopped and started again under running brokers.
 */
export async function openChaosDatabase(externalUrl: string | undefined): Promise<ChaosDatabase> {
  if (externalUrl) return openExternal(externalUrl);
  const dir = makeTempDir("mesh-chaos-pg");
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir: dir.path, port, ephemeral: true, database: DATABASE });
  let server: EmbeddedPostgres;
  try {
    server = await start();
  } catch (e: unknown) {
    dir.remove();
    throw e;
  }
  return {
    url: server.url,
    name: DATABASE,
    kind: "embedded",
    restart: async () => {
      await server.stop();
      server = await start();
      if (server.port !== port) throw new Error(`embedded Postgres came back on port ${server.port}, not ${port}`);
    },
    close: async () => {
      await server.stop();
      dir.remove();
    },
  };
}

async function openExternal(adminUrl: string): Promise<ChaosDatabase> {
  const name = `mesh_chaos_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    kind: "external",
    restart: undefined,
    close: async () => {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end({ timeout: 2 });
      }
    },
  };
}
