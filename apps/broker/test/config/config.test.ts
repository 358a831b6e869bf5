import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "@mesh/db/testing";
import { type BrokerProcess, killLeftoverBrokers, runningBrokers, spawnBroker } from "../helpers/broker-process.ts";

afterEach(async () => {
  const leaked = runningBrokers();
  await killLeftoverBrokers();
  expect(leaked).toBe(0);
});

describe("an invalid environment", () => {
  test.each([
    ["BROKER_PORT", "0", "1 to 65535"],
    ["BROKER_PORT", "http", "1 to 65535"],
    ["DATABASE_URL", "mysql://x", "postgres://"],
    ["STATUS_TTL_SECONDS", "-5", "from 1 to 86400"],
    ["LOG_LEVEL", "loud", "info"],
  ])("%s=%s exits non-zero before listening, naming the variable", async (variable, value, accepted) => {
    const broker = await spawnBroker({ [variable]: value });
    const code = await broker.process.exited;
    expect(code).not.toBe(0);
    const line = await broker.waitForLog(/^invalid configuration/);
    expect(line).toMatchObject({ level: "fatal", variable, value });
    expect(String(line.msg)).toContain(variable);
    expect(String(line.accepted)).toContain(accepted);
    expect(broker.logs.map((l) => l.msg)).not.toContain("broker listening");
    await broker.stop();
  });

  test("production without DATABASE_URL is refused", async () => {
    const broker = await spawnBroker({ NODE_ENV: "production" });
    expect(await broker.process.exited).not.toBe(0);
    expect(await broker.waitForLog(/^invalid configuration/)).toMatchObject({ variable: "DATABASE_URL" });
    await broker.stop();
  });
});

describe("values the broker used to accept and then run broken with", () => {
  // A reachable database: were the value accepted, the broker would start and listen.
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Resolves with the exit code, or "listening" if the broker started instead. */
  const outcome = (broker: BrokerProcess): Promise<number | "listening"> =>
    Promise.race([broker.process.exited, broker.waitForLog("broker listening").then(() => "listening" as const)]);

  test.each([
    // Bun fires a timer over 2^31-1 ms after about 1 ms: every session was refused with hello_timeout.
    ["HELLO_TIMEOUT_MS", "3000000000", "600000"],
    ["BROKER_PORT", "0x1F40", "1 to 65535"],
    ["BROKER_PORT", "7900.0", "1 to 65535"],
    ["BROKER_PORT", " 80 ", "1 to 65535"],
    ["BROKER_HOST", "not a host", "hostname"],
  ])("%s=%j exits 1 with the invalid configuration line naming it", async (variable, value, accepted) => {
    const broker = await spawnBroker({ DATABASE_URL: database.url, [variable]: value });
    expect(await outcome(broker)).toBe(1);
    const line = await broker.waitForLog(/^invalid configuration/);
    expect(line).toMatchObject({ level: "fatal", variable, value });
    expect(String(line.msg)).toStartWith(`invalid configuration: ${variable} `);
    expect(String(line.accepted)).toContain(accepted);
    await broker.stop();
  });
});
