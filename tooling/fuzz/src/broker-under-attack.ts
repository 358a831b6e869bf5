import { readFileSync } from "node:fs";
import { createDbClient, type DbClient } from "@mesh/db";
import { createTestDatabase, stopTestServer, type TestDatabase } from "@mesh/db/testing";
import { type BrokerProcess, eventually, spawnBroker } from "../../../apps/broker/test/helpers/broker-process.ts";

/** Every frame and body limit of the broker under attack. */
export const MAX_MESSAGE_BYTES = 65_536;

/** A real broker child process on a database of its own, and a fixture client for that database. */
export interface BrokerUnderAttack {
  broker: BrokerProcess;
  db: DbClient;
  database: TestDatabase;
  /** True while the child process has not exited. */
  alive: () => boolean;
  /** VmRSS of the broker process in bytes (from /proc), or undefined where there is no /proc. */
  rssBytes: () => number | undefined;
  /** `GET /health` status, or 0 when the request failed. */
  health: () => Promise<number>;
  stop: () => Promise<void>;
}

/**
 * Creates a database (on `DATABASE_URL`'s server, or an embedded Postgres in a
 * temp folder) and starts `bun apps/broker/src/index.ts` on it on a free port.
 */
export async function startBrokerUnderAttack(): Promise<BrokerUnderAttack> {
  const database = await createTestDatabase();
  const broker = await spawnBroker({
    DATABASE_URL: database.url,
    LOG_LEVEL: "warn",
    MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
  });
  const health = async (): Promise<number> => {
    try {
      const res = await fetch(`${broker.baseUrl}/health`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  };
  // At LOG_LEVEL=warn there is no "broker listening" line: /health answering 200 is the signal.
  if (!(await eventually(async () => (await health()) === 200, 60_000))) {
    await broker.stop("SIGKILL");
    await database.drop();
    throw new Error("the broker did not become healthy within 60 s");
  }
  const db = createDbClient(database.url, { max: 2, applicationName: "fuzz-fixtures" });
  const pid = broker.process.pid;
  return {
    broker,
    db,
    database,
    alive: () => broker.process.exitCode === null && broker.process.signalCode === null,
    rssBytes: () => readRss(pid),
    health,
    stop: async () => {
      await db.close();
      await broker.stop("SIGTERM");
      await database.drop();
      await stopTestServer();
    },
  };
}

function readRss(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
