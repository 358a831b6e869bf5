import { afterAll, beforeAll, expect, test } from "bun:test";
import { createDbClient, type DbClient } from "@mesh/db";
import { createTestDatabase, type TestDatabase } from "@mesh/db/testing";
import {
  type PostgresBlackhole,
  startPostgresBlackhole,
} from "../../../../tooling/chaos/src/cluster/postgres-blackhole.ts";
import {
  type BrokerProcess,
  eventually,
  killLeftoverBrokers,
  runningBrokers,
  startBrokerProcess,
} from "../helpers/broker-process.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { closeLeftoverSockets, openSockets, session } from "../helpers/ws-client.ts";

/*
 * The broker reaches Postgres through a relay that goes silent: the database
 * host vanished, so open connections get no answer and new ones hang until
 * the driver's connect timeout (a stopped local server would refuse at once,
 * which is the easy case). Then SIGTERM: the stop must not wait on sweeps,
 * drains or registry writes stuck on that database.
 */

/** DEPLOY.md promises that 10 s before SIGKILL is enough; the stop must end well within it. */
const EXIT_WITHIN_MS = 8_000;
/** Sessions are closed right after the sweepers stop, whose wait is bounded at 1 s. */
const GOING_AWAY_WITHIN_MS = 3_500;

let database: TestDatabase;
let blackhole: PostgresBlackhole;
let fixtures: DbClient;
let broker: BrokerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  blackhole = await startPostgresBlackhole(database.url);
  // Short intervals keep a sweep or a ping in flight at any moment, as on a busy production broker.
  broker = await startBrokerProcess({
    DATABASE_URL: blackhole.url,
    DB_PING_INTERVAL_MS: "500",
    SWEEP_INTERVAL_MS: "300",
    WS_PING_INTERVAL_MS: "1000",
    INSTANCE_HEARTBEAT_MS: "500",
    INSTANCE_TIMEOUT_MS: "5000",
  });
  fixtures = createDbClient(database.url, { max: 2, applicationName: "broker-test-fixtures" });
});

afterAll(async () => {
  const leakedSockets = openSockets();
  await closeLeftoverSockets();
  const leaked = runningBrokers();
  await killLeftoverBrokers();
  await fixtures.close();
  await blackhole.close();
  await database.drop();
  expect(leakedSockets).toBe(0);
  expect(leaked).toBe(0);
});

test("SIGTERM while Postgres is gone: sessions see 1001 at once and the process exits 0 well within 10 s", async () => {
  const mesh = await createMesh(fixtures.sql);
  const [alice, bob] = [await addMember(fixtures.sql, mesh), await addMember(fixtures.sql, mesh)];
  const a = await session(broker.port, alice);
  const b = await session(broker.port, bob);

  blackhole.cut();
  expect(await eventually(async () => (await fetch(`${broker.baseUrl}/health`)).status === 503, 15_000)).toBe(true);
  // Let every sweeper start a run that hangs on the silent database.
  await Bun.sleep(1500);

  const signalled = performance.now();
  const closedAfter = (s: typeof a) => s.closed.then((c) => ({ ...c, ms: performance.now() - signalled }));
  const closes = Promise.all([closedAfter(a), closedAfter(b)]);
  const exited = broker.stop("SIGTERM").then((code) => ({ code, ms: performance.now() - signalled }));
  const [[closeA, closeB], exit] = await Promise.all([closes, exited]);

  expect(closeA.code).toBe(1001);
  expect(closeB.code).toBe(1001);
  expect(exit.code).toBe(0);
  expect(Math.max(closeA.ms, closeB.ms)).toBeLessThan(GOING_AWAY_WITHIN_MS);
  expect(exit.ms).toBeLessThan(EXIT_WITHIN_MS);
  expect(Math.max(closeA.ms, closeB.ms)).toBeLessThan(exit.ms);
  await broker.waitForLog("shutdown complete");
}, 60_000);
