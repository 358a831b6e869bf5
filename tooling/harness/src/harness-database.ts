import { randomBytes } from "node:crypto";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import { makeTempDir } from "@mesh/db/testing";
import postgres from "postgres";

/** A database of the run's own on an external server. */
export interface ExternalDatabase {
  url: string;
  name: string;
  /** Drops the database, closing whatever is still connected to it. */
  drop: () => Promise<void>;
}

/**
 * Creates `<prefix>_<random hex>` on `adminUrl`'s server, so parallel runs
 * and the server's other databases are never touched.
 */
export async function openExternalDatabase(adminUrl: string, prefix: string): Promise<ExternalDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await onAdmin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onAdmin(adminUrl, `drop database if exists ${name} with (force)`),
  };
}

async function onAdmin(adminUrl: string, statement: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end({ timeout: 2 });
  }
}

/** An embedded Postgres in a temp folder of its own. */
export interface EmbeddedDatabase {
  /** The running server (a new handle after `restart`). */
  readonly server: EmbeddedPostgres;
  /** Stops the server and starts it again on the same folder (and port, when one was fixed). */
  restart: () => Promise<void>;
  /** Stops the server and removes its folder. */
  close: () => Promise<void>;
}

/**
 * Starts an embedded Postgres serving `database` in a fresh temp folder named
 * after `tempDirPrefix`; the folder is removed again when the start fails.
 * With `port` set the server must come back on it after a restart, so
 * clients can reconnect to the same URL.
 */
export async function openEmbeddedDatabase(options: {
  tempDirPrefix: string;
  database: string;
  ephemeral: boolean;
  port?: number;
}): Promise<EmbeddedDatabase> {
  const dir = makeTempDir(options.tempDirPrefix);
  const { database, ephemeral, port } = options;
  const start = () => startEmbeddedPostgres({ dataDir: dir.path, database, ephemeral, ...(port ? { port } : {}) });
  let server: EmbeddedPostgres;
  try {
    server = await start();
  } catch (e: unknown) {
    dir.remove();
    throw e;
  }
  return {
    get server() {
      return server;
    },
    restart: async () => {
      await server.stop();
      server = await start();
      if (port && server.port !== port) {
        throw new Error(`embedded Postgres came back on port ${server.port}, not ${port}`);
      }
    },
    close: async () => {
      await server.stop();
      dir.remove();
    },
  };
}
