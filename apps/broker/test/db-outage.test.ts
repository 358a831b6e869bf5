import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import { makeTempDir } from "@mesh/db/testing";
import {
  type BrokerProcess,
  eventually,
  killLeftoverBrokers,
  runningBrokers,
  startBrokerProcess,
} from "./helpers/broker-process.ts";

// This test stops and restarts Postgres, so it runs on a cluster of its own
// whatever DATABASE_URL says: the shared server must stay up for the others.
const dir = makeTempDir("mesh-outage");
let pg: EmbeddedPostgres;
let broker: BrokerProcess;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true });
  broker = await startBrokerProcess({ DATABASE_URL: pg.url, DB_PING_INTERVAL_MS: "500" });
});

afterAll(async () => {
  // The last test stops the broker; anything still running here leaked.
  const leaked = runningBrokers();
  await killLeftoverBrokers();
  await pg.stop();
  dir.remove();
  expect(leaked).toBe(0);
});

async function healthStatus(): Promise<number> {
  return (await fetch(`${broker.baseUrl}/health`)).status;
}

async function dbHealthyGauge(): Promise<string | undefined> {
  const text = await (await fetch(`${broker.baseUrl}/metrics`)).text();
  return /^broker_db_healthy (\d)$/m.exec(text)?.[1];
}

describe("a Postgres outage under a running broker", () => {
  test("/health turns 503 and the gauge 0 within a few seconds; the process stays up", async () => {
    expect(await healthStatus()).toBe(200);
    await pg.stop();
    expect(await eventually(async () => (await healthStatus()) === 503, 5000)).toBe(true);
    const body = (await (await fetch(`${broker.baseUrl}/health`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "degraded", db: "down" });
    expect(await dbHealthyGauge()).toBe("0");
    expect(broker.process.exitCode).toBeNull();
    await broker.waitForLog("db ping failed", 1000);
  });

  test("when Postgres is back, /health returns to 200 without a restart", async () => {
    pg = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true, port: pg.port });
    expect(await eventually(async () => (await healthStatus()) === 200, 10_000)).toBe(true);
    expect(await dbHealthyGauge()).toBe("1");
    await broker.waitForLog("db healthy", 1000);
  });

  test("SIGTERM still exits 0", async () => {
    expect(await broker.stop("SIGTERM")).toBe(0);
  });
});
