import { afterEach, describe, expect, test } from "bun:test";
import { killLeftoverBrokers, runningBrokers, spawnBroker } from "../helpers/broker-process.ts";

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
    ["STATUS_TTL_SECONDS", "-5", "> 0"],
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
