import { afterAll, beforeAll, expect, test } from "bun:test";
import { createDbClient } from "@mesh/db";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@mesh/db/embedded";
import { makeTempDir } from "@mesh/db/testing";
import {
  type BrokerProcess,
  killLeftoverBrokers,
  runningBrokers,
  startBrokerProcess,
} from "../helpers/broker-process.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { closeLeftoverSockets, connect, type Frame, openSockets, session } from "../helpers/ws-client.ts";
import { OPERATOR_TOKEN, viewEnv } from "./operator-token.ts";

// Postgres is stopped and started again here, so this file runs on a cluster of its own.
const dir = makeTempDir("mesh-view-outage");
let pg: EmbeddedPostgres;
let broker: BrokerProcess;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true });
  broker = await startBrokerProcess({ DATABASE_URL: pg.url, DB_PING_INTERVAL_MS: "500", ...viewEnv() });
});

afterAll(async () => {
  const leakedSockets = openSockets();
  await closeLeftoverSockets();
  await broker?.stop();
  const leaked = runningBrokers();
  await killLeftoverBrokers();
  await pg.stop();
  dir.remove();
  expect({ leakedSockets, leaked }).toEqual({ leakedSockets: 0, leaked: 0 });
});

/** The health a diff carries, if it carries one. */
const healthOf = (f: Frame) => (f.diff as { health?: { db: string; stale: boolean } } | undefined)?.health;

test("while Postgres is away the view says so and keeps what it last read; back, it reads again", async () => {
  const db = createDbClient(pg.url, { max: 1 });
  const mesh = await createMesh(db.sql, "outage mesh");
  const alice = await addMember(db.sql, mesh, { displayName: "alice" });
  await db.close();
  await using a = await session(broker.port, alice);

  await using viewer = await connect(broker.port, "/view/ws");
  viewer.send({ type: "auth", token: OPERATOR_TOKEN });
  const snapshot = await viewer.next("snapshot");
  const presenceId = String(a.ack.presenceId);
  expect(JSON.stringify(snapshot.state)).toContain(presenceId);
  expect((snapshot.state as { health: unknown }).health).toMatchObject({ db: "up", stale: false });

  await pg.stop();
  const down = await viewer.next("diff", (f) => healthOf(f)?.db === "down" && healthOf(f)?.stale === true, 20_000);
  // Nothing was removed for want of a read: the session is still on screen, marked stale.
  expect(JSON.stringify(down.diff)).not.toContain(presenceId);

  pg = await startEmbeddedPostgres({ dataDir: dir.path, ephemeral: true, port: pg.port });
  await viewer.next("diff", (f) => healthOf(f)?.db === "up" && healthOf(f)?.stale === false, 30_000);
}, 90_000);
