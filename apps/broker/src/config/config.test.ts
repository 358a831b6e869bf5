import { describe, expect, test } from "bun:test";
import { parseConfig } from "./config.ts";

describe("parseConfig", () => {
  test("an empty environment gives the documented defaults", () => {
    const result = parseConfig({});
    expect(result).toEqual({
      ok: true,
      config: {
        databaseUrl: undefined,
        port: 7900,
        host: "0.0.0.0",
        dataDir: undefined,
        statusTtlSeconds: 60,
        hookFreshWindowSeconds: 30,
        maxConnectionsPerMesh: 100,
        maxMessageBytes: 65536,
        hookRateLimitPerMin: 30,
        hookAllowAnonymous: true,
        dbPingIntervalMs: 2000,
        dbPoolSize: 10,
        wsPingIntervalMs: 30_000,
        sweepIntervalMs: 5000,
        helloTimeoutMs: 10_000,
        sendRateLimitPerSec: 500,
        meshQueueCap: 100_000,
        wsBackpressureLimitBytes: 4 * 1024 * 1024,
        deliveredRetentionHours: 168,
        instanceHeartbeatMs: 5000,
        instanceTimeoutMs: 15_000,
        nodeEnv: "development",
        gitSha: undefined,
        logLevel: "info",
      },
    });
  });

  test("the result is frozen", () => {
    const result = parseConfig({});
    if (!result.ok) throw new Error("expected ok");
    expect(Object.isFrozen(result.config)).toBe(true);
  });

  test("a refused DATABASE_URL is reported without its credentials", () => {
    const result = parseConfig({ DATABASE_URL: "mysql://admin:s3cret@db:3306/mesh" });
    expect(result).toMatchObject({
      ok: false,
      problem: { variable: "DATABASE_URL", value: "mysql://***@db:3306/mesh" },
    });
    expect(JSON.stringify(result)).not.toContain("s3cret");
  });

  test("production requires DATABASE_URL and turns anonymous hooks off", () => {
    expect(parseConfig({ NODE_ENV: "production" })).toMatchObject({ ok: false, problem: { variable: "DATABASE_URL" } });
    const prod = parseConfig({ NODE_ENV: "production", DATABASE_URL: "postgresql://u@db:5432/mesh" });
    expect(prod).toMatchObject({ ok: true, config: { hookAllowAnonymous: false } });
    expect(
      parseConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://db/mesh", HOOK_ALLOW_ANONYMOUS: "true" }),
    ).toMatchObject({ ok: true, config: { hookAllowAnonymous: true } });
  });

  test.each([
    ["BROKER_PORT", "65536"],
    ["BROKER_PORT", "1.5"],
    ["MAX_MESSAGE_BYTES", "0"],
    ["HOOK_RATE_LIMIT_PER_MIN", "many"],
    ["DATABASE_URL", "mysql://x"],
    ["GIT_SHA", "not-hex"],
    ["NODE_ENV", "staging"],
    ["HOOK_ALLOW_ANONYMOUS", "yes"],
  ])("%s=%s is refused with the variable named", (variable, value) => {
    const result = parseConfig({ [variable]: value });
    expect(result).toMatchObject({ ok: false, problem: { variable, value } });
    if (!result.ok) expect(result.problem.accepted.length).toBeGreaterThan(0);
  });

  test("an instance timeout shorter than two heartbeats is refused", () => {
    expect(parseConfig({ INSTANCE_HEARTBEAT_MS: "5000", INSTANCE_TIMEOUT_MS: "9999" })).toMatchObject({
      ok: false,
      problem: { variable: "INSTANCE_TIMEOUT_MS", value: "9999" },
    });
    expect(parseConfig({ INSTANCE_HEARTBEAT_MS: "500", INSTANCE_TIMEOUT_MS: "1000" })).toMatchObject({ ok: true });
  });

  test("an empty value counts as unset", () => {
    expect(parseConfig({ BROKER_PORT: "", DATABASE_URL: "" })).toMatchObject({
      ok: true,
      config: { port: 7900, databaseUrl: undefined },
    });
  });
});
