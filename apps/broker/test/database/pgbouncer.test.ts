import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createDbClient, type DbClient } from "@mesh/db";
import { createTestDatabase, type TestDatabase } from "@mesh/db/testing";
import {
  type BrokerProcess,
  killLeftoverBrokers,
  runningBrokers,
  spawnBroker,
  startBrokerProcess,
} from "../helpers/broker-process.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { requireTool } from "../helpers/required-tool.ts";
import {
  closeLeftoverSockets,
  openSockets,
  pushesUpToControl,
  sendAndAck,
  session,
  taggedSendTo,
  tagOf,
} from "../helpers/ws-client.ts";
import { type PgBouncerProcess, startPgBouncer } from "./pgbouncer-process.ts";

const pgbouncer = requireTool("pgbouncer", "pgbouncer", "the PgBouncer tests (apps/broker/test/database)");

const DB_POOL_SIZE = 4;
/** DEPLOY.md's sizing: each instance holds its pool, the health ping's connection and the wake listener's. */
const CONNECTIONS_PER_BROKER = DB_POOL_SIZE + 2;
/**
 * The repair drain runs only every minute: what arrives within a few seconds
 * on another instance arrived through a wake-up (LISTEN/NOTIFY through PgBouncer).
 */
const BROKER_ENV = { DB_POOL_SIZE: String(DB_POOL_SIZE), SWEEP_INTERVAL_MS: "60000" };
/** Well under the repair interval, yet generous on a loaded machine. */
const WAKE_DEADLINE_MS = 15_000;

afterEach(async () => {
  const leaked = openSockets();
  await closeLeftoverSockets();
  expect(leaked).toBe(0);
});

afterAll(async () => {
  const leaked = runningBrokers();
  await killLeftoverBrokers();
  expect(leaked).toBe(0);
});

describe.skipIf(pgbouncer.skip)("two brokers through PgBouncer in session mode", () => {
  let database: TestDatabase | undefined;
  let bouncer: PgBouncerProcess | undefined;
  let fixtures: DbClient | undefined;
  const brokers: BrokerProcess[] = [];
  const A = () => brokers[0] as BrokerProcess;
  const B = () => brokers[1] as BrokerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    bouncer = await startPgBouncer({
      command: pgbouncer.path ?? "pgbouncer",
      databaseUrl: database.url,
      poolMode: "session",
      // Exactly DEPLOY.md's count for two instances: a broker needing one more would wait, then fail.
      poolSize: 2 * CONNECTIONS_PER_BROKER,
      queryWaitTimeoutSeconds: 20,
    });
    const env = { ...BROKER_ENV, DATABASE_URL: bouncer.url };
    brokers.push(await startBrokerProcess(env));
    brokers.push(await startBrokerProcess(env));
    // Fixtures go to Postgres directly: they are not what is tested.
    fixtures = createDbClient(database.url, { max: 2, applicationName: "pgbouncer-test-fixtures" });
  });

  afterAll(async () => {
    await fixtures?.close();
    await Promise.all(brokers.map((b) => b.stop()));
    await bouncer?.stop();
    await database?.drop();
  });

  async function pair(): Promise<[TestMember, TestMember]> {
    if (!fixtures) throw new Error("fixtures are not ready");
    const mesh = await createMesh(fixtures.sql);
    return [await addMember(fixtures.sql, mesh), await addMember(fixtures.sql, mesh)];
  }

  test("both brokers connect through PgBouncer and start", async () => {
    // PgBouncer logs each client login; both brokers' pools, pings and listeners came through it.
    const login = `login attempt: db=${database?.name} `;
    const logins = (bouncer?.output() ?? "").split("\n").filter((line) => line.includes(login));
    expect(logins.length).toBeGreaterThanOrEqual(2 * 3);
    for (const broker of [A(), B()]) {
      expect((await fetch(`${broker.baseUrl}/health`)).status).toBe(200);
      expect(await broker.waitForLog("wake listener listening")).toBeDefined();
    }
  });

  test("agents on each broker exchange messages both ways, woken through LISTEN/NOTIFY", async () => {
    const [alice, bob] = await pair();
    await using a = await session(A().port, alice);
    await using b = await session(B().port, bob);

    expect(await sendAndAck(a, taggedSendTo(bob, "a→b", { id: "a-to-b" }))).toMatchObject({ type: "ack" });
    expect(tagOf(await b.next("push", undefined, WAKE_DEADLINE_MS))).toBe("a→b");
    expect(await sendAndAck(b, taggedSendTo(alice, "b→a", { id: "b-to-a" }))).toMatchObject({ type: "ack" });
    expect(tagOf(await a.next("push", undefined, WAKE_DEADLINE_MS))).toBe("b→a");
  });

  test("a status set by hook on one broker holds, then releases, delivery to a session on the other", async () => {
    const [alice, bob] = await pair();
    await using a = await session(A().port, alice);
    await using b = await session(B().port, bob, { cwd: "/srv/pgbouncer/bob", pid: 7101 });
    const hook = async (on: BrokerProcess, status: "working" | "idle") =>
      fetch(`${on.baseUrl}/hook/set-status`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${String(b.ack.hookToken)}` },
        body: JSON.stringify({ cwd: "/srv/pgbouncer/bob", pid: 7101, status }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));

    expect(await hook(A(), "working")).toMatchObject({ status: 200, body: { applied: true, status: "working" } });
    await sendAndAck(a, taggedSendTo(bob, "held for bob", { id: "held", priority: "next" }));
    // Held: a `now` control from A reaches bob on B, and the `next` envelope queued before it does not.
    expect(await pushesUpToControl(a, b, bob)).toEqual([]);

    expect(await hook(A(), "idle")).toMatchObject({ status: 200, body: { applied: true, status: "idle" } });
    expect(tagOf(await b.next("push", undefined, WAKE_DEADLINE_MS))).toBe("held for bob");
    expect(b.all("status").map((f) => [f.status, f.source])).toEqual([
      ["working", "hook"],
      ["idle", "hook"],
    ]);
  });
});

describe.skipIf(pgbouncer.skip)("PgBouncer in transaction mode", () => {
  let database: TestDatabase | undefined;
  let fixtures: DbClient | undefined;
  const bouncers: PgBouncerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const poolMode of ["transaction", "session"] as const) {
      bouncers.push(
        await startPgBouncer({
          command: pgbouncer.path ?? "pgbouncer",
          databaseUrl: database.url,
          poolMode,
          poolSize: 2 * CONNECTIONS_PER_BROKER,
        }),
      );
    }
    fixtures = createDbClient(database.url, { max: 2, applicationName: "pgbouncer-test-fixtures" });
  });

  afterAll(async () => {
    await fixtures?.close();
    await Promise.all(bouncers.map((b) => b.stop()));
    await database?.drop();
  });

  const transactionPooled = () => bouncers[0] as PgBouncerProcess;
  const sessionPooled = () => bouncers[1] as PgBouncerProcess;

  async function refusedStart(url: string): Promise<string> {
    await using broker = await spawnBroker({ ...BROKER_ENV, DATABASE_URL: url });
    expect(await broker.process.exited).toBe(1);
    const fatal = await broker.waitForLog("broker failed to start");
    expect(fatal).toMatchObject({ level: "fatal", err: { code: "transaction_pooling" } });
    expect(broker.logs.map((l) => l.msg)).not.toContain("migrations applied");
    return String((fatal.err as { message?: unknown }).message);
  }

  test("a broker started through it refuses to start: exit 1, transaction_pooling, nothing migrated", async () => {
    const message = await refusedStart(transactionPooled().url);
    expect(message).toContain("connection pooler in transaction or statement mode");
    expect(message).toContain("set pool_mode = session in PgBouncer");
    // Refused before the migrations took their advisory lock: the database was left as it was.
    const [row] = await (fixtures as DbClient).sql`
      select to_regclass('drizzle.__drizzle_migrations') is null as untouched`;
    expect(row?.untouched).toBe(true);
  });

  test("so does one handing out warm server connections in turn (server_round_robin)", async () => {
    await using roundRobin = await startPgBouncer({
      command: pgbouncer.path ?? "pgbouncer",
      databaseUrl: (database as TestDatabase).url,
      poolMode: "transaction",
      poolSize: 2 * CONNECTIONS_PER_BROKER,
      settings: { server_round_robin: "1", min_pool_size: "4" },
    });
    // Warm: the server connections exist before the broker asks, so it is not always handed the same one.
    const warm = createDbClient(roundRobin.url, { max: 4, applicationName: "pgbouncer-test-warm" });
    await Promise.all([1, 2, 3, 4].map(() => warm.sql`select pg_sleep(0.05)`));
    await warm.close(1);
    expect(await refusedStart(roundRobin.url)).toContain("set pool_mode = session in PgBouncer");
  });

  test("why: a LISTEN through it hears nothing, where the same LISTEN through session mode hears the NOTIFY", async () => {
    const heard = { transaction: [] as string[], session: [] as string[] };
    const listenVia = (bouncer: PgBouncerProcess, into: string[]) =>
      createDbClient(bouncer.url, {
        max: 1,
        idleTimeoutSeconds: null,
        applicationName: "pgbouncer-test-listener",
        onNotify: (_channel, payload) => into.push(payload),
      });
    const viaTransaction = listenVia(transactionPooled(), heard.transaction);
    const viaSession = listenVia(sessionPooled(), heard.session);
    try {
      await viaTransaction.sql`listen pgbouncer_probe`;
      await viaSession.sql`listen pgbouncer_probe`;
      await (fixtures as DbClient).sql`select pg_notify('pgbouncer_probe', 'wake up')`;
      const deadline = Date.now() + 15_000;
      while (heard.session.length === 0 && Date.now() < deadline) await Bun.sleep(50);
      // The notification was committed and delivered where a session holds the LISTEN...
      expect(heard.session).toEqual(["wake up"]);
      // ...while the transaction-pooled LISTEN ran on a server connection handed back to the pool.
      expect(heard.transaction).toEqual([]);
    } finally {
      await Promise.all([viaTransaction.close(1), viaSession.close(1)]);
    }
  });
});
