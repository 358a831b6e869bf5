import { afterAll, afterEach, beforeAll, expect } from "bun:test";
import { createDbClient, type DbClient, type Sql } from "@mesh/db";
import { createTestDatabase, type TestDatabase } from "@mesh/db/testing";
import { type BrokerProcess, killLeftoverBrokers, runningBrokers, startBrokerProcess } from "./broker-process.ts";
import { closeLeftoverSockets, openSockets } from "./ws-client.ts";

/** What a test file gets: its database, its brokers, and a client for fixtures. */
export interface BrokerSuite {
  readonly database: TestDatabase;
  /** The first broker (it applied the migrations). */
  readonly broker: BrokerProcess;
  /** The broker started with `envs[index]`. */
  brokerAt: (index: number) => BrokerProcess;
  readonly sql: Sql;
}

/**
 * Registers the hooks of an integration test file: a database of its own,
 * one broker per entry of `envs` on it (the first migrates, the rest start
 * together), a database client for fixtures; after each test, no WebSocket
 * left open; after all, the brokers stopped (unless a test already did), no
 * broker leaked, the database dropped.
 */
export function useBrokerSuite(...envs: Record<string, string>[]): BrokerSuite {
  let database: TestDatabase | undefined;
  let db: DbClient | undefined;
  const brokers: BrokerProcess[] = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: use it inside a test`);
    return value;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = database.url;
    const [first = {}, ...rest] = envs;
    brokers.push(await startBrokerProcess({ DATABASE_URL: url, ...first }));
    brokers.push(...(await Promise.all(rest.map((env) => startBrokerProcess({ DATABASE_URL: url, ...env })))));
    // Opened after the first broker started: its migrations created the tables.
    db = createDbClient(url, { max: 4, applicationName: "broker-test-fixtures" });
  });

  afterEach(async () => {
    const leaked = openSockets();
    await closeLeftoverSockets();
    expect(leaked).toBe(0);
  });

  afterAll(async () => {
    await db?.close();
    await Promise.all(brokers.map((b) => b.stop()));
    const leaked = runningBrokers();
    await killLeftoverBrokers();
    await database?.drop();
    expect(leaked).toBe(0);
  });

  return {
    get database() {
      return need(database, "the database");
    },
    get broker() {
      return need(brokers[0], "the broker");
    },
    brokerAt: (index) => need(brokers[index], `broker ${index}`),
    get sql() {
      return need(db, "the fixture client").sql;
    },
  };
}
