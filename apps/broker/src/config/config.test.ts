import { describe, expect, test } from "bun:test";
import { DATABASE_ENV_VARIABLES } from "@mesh/db";
import { parseConfig } from "./config.ts";
import { ENV_VARIABLES } from "./env-schema.ts";

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
        wsMaxPendingFrames: 64,
        wsMaxPendingBytes: 1_048_576,
        frameRateLimitPerSec: 20,
        memberQueueCap: 10_000,
        undeliveredMaxAgeHours: 168,
        helloRateLimitPerMin: 60,
        maxSessionsPerMember: 10,
        hookRateLimitPerAddressPerMin: 600,
        maxPendingStatuses: 1000,
        presenceRetentionHours: 24,
        meshQueueCap: 100_000,
        wsBackpressureLimitBytes: 4 * 1024 * 1024,
        deliveredRetentionHours: 168,
        instanceHeartbeatMs: 5000,
        instanceTimeoutMs: 15_000,
        nodeEnv: "development",
        gitSha: undefined,
        adminTokenSha256: undefined,
        viewEnabled: false,
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

  test.each([
    ["BROKER_PORT", "0x1F40"],
    ["BROKER_PORT", "7900.0"],
    ["BROKER_PORT", " 80 "],
    ["BROKER_PORT", "+80"],
    ["BROKER_PORT", "8e3"],
    ["BROKER_PORT", "-1"],
    ["BROKER_PORT", "0b1111"],
    ["MAX_MESSAGE_BYTES", "65_536"],
    ["DB_POOL_SIZE", "1e1"],
    ["HELLO_TIMEOUT_MS", "3000000000"],
    ["HELLO_TIMEOUT_MS", "Infinity"],
    ["DB_PING_INTERVAL_MS", "2147483648"],
    ["WS_PING_INTERVAL_MS", "99999999999999999999"],
    ["STATUS_TTL_SECONDS", "2147484"],
    ["HOOK_FRESH_WINDOW_SECONDS", "3000000"],
    ["SEND_RATE_LIMIT_PER_SEC", "9007199254740993"],
    ["WS_BACKPRESSURE_LIMIT_BYTES", "4294967296"],
  ])("%s=%j is refused: integers are plain decimal digits within a bounded range", (variable, value) => {
    const result = parseConfig({ [variable]: value });
    expect(result).toMatchObject({ ok: false, problem: { variable, value } });
  });

  test("the largest accepted value of each integer variable passes; one more is refused", () => {
    const ranged = Object.entries(ENV_VARIABLES).flatMap(([name, v]) =>
      "range" in v && v.range ? [{ name, range: v.range }] : [],
    );
    expect(ranged.length).toBe(27);
    for (const { name, range } of ranged) {
      // A heartbeat at its maximum needs a timeout of at least twice that.
      const companion = name === "INSTANCE_HEARTBEAT_MS" ? { INSTANCE_TIMEOUT_MS: String(2 * range.max) } : {};
      expect(parseConfig({ [name]: String(range.max), ...companion })).toMatchObject({ ok: true });
      expect(parseConfig({ [name]: String(range.max + 1) })).toMatchObject({
        ok: false,
        problem: { variable: name, value: String(range.max + 1) },
      });
      expect(parseConfig({ [name]: String(range.min - 1) })).toMatchObject({ ok: false, problem: { variable: name } });
    }
  });

  test("no duration variable can ask for a timer past 2^31-1 ms (where Bun fires it after 1 ms)", () => {
    const toMs = { milliseconds: 1, seconds: 1000 } as const;
    const durations = Object.entries(ENV_VARIABLES).flatMap(([name, v]) => {
      const range = "range" in v ? v.range : undefined;
      const unit = range?.unit;
      return range && (unit === "milliseconds" || unit === "seconds") ? [{ name, maxMs: range.max * toMs[unit] }] : [];
    });
    expect(durations.map((d) => d.name)).toContain("HELLO_TIMEOUT_MS");
    expect(durations.map((d) => d.name)).toContain("STATUS_TTL_SECONDS");
    for (const d of durations) expect({ name: d.name, ok: d.maxMs <= 2 ** 31 - 1 }).toEqual({ name: d.name, ok: true });
  });

  test("DB_POOL_SIZE=1 is refused: migrations hold one connection for their lock and wait on the pool for another", () => {
    expect(parseConfig({ DB_POOL_SIZE: "1" })).toMatchObject({ ok: false, problem: { variable: "DB_POOL_SIZE" } });
    expect(parseConfig({ DB_POOL_SIZE: "2" })).toMatchObject({ ok: true, config: { dbPoolSize: 2 } });
  });

  test("the database variables are the ones pnpm db:migrate and mesh admin read, not copies", () => {
    for (const [name, variable] of Object.entries(DATABASE_ENV_VARIABLES)) {
      expect(ENV_VARIABLES[name as keyof typeof ENV_VARIABLES]).toBe(variable);
    }
  });

  test("leading zeros are plain decimal, not octal", () => {
    expect(parseConfig({ BROKER_PORT: "08080" })).toMatchObject({ ok: true, config: { port: 8080 } });
  });

  test.each([
    "not a host",
    "exa mple.com",
    "-leading-hyphen.example",
    "trailing-hyphen-.example",
    "a..b",
    "http://example.com",
    "example.com:7900",
    "999.1.1.1",
    "[::1]",
    "host_name",
    `${"a".repeat(64)}.example`,
    "0.0.0.0\n",
  ])("BROKER_HOST=%j is refused", (value) => {
    const result = parseConfig({ BROKER_HOST: value });
    expect(result).toMatchObject({ ok: false, problem: { variable: "BROKER_HOST", value } });
  });

  test.each([
    "0.0.0.0",
    "127.0.0.1",
    "::",
    "::1",
    "fe80::1",
    "localhost",
    "broker.internal",
    "mesh-broker-0.mesh.svc.cluster.local",
  ])("BROKER_HOST=%j is accepted", (value) => {
    expect(parseConfig({ BROKER_HOST: value })).toMatchObject({ ok: true, config: { host: value } });
  });

  test("an instance timeout shorter than two heartbeats is refused", () => {
    expect(parseConfig({ INSTANCE_HEARTBEAT_MS: "5000", INSTANCE_TIMEOUT_MS: "9999" })).toMatchObject({
      ok: false,
      problem: { variable: "INSTANCE_TIMEOUT_MS", value: "9999" },
    });
    expect(parseConfig({ INSTANCE_HEARTBEAT_MS: "500", INSTANCE_TIMEOUT_MS: "1000" })).toMatchObject({ ok: true });
  });

  test("VIEW_ENABLED without ADMIN_TOKEN_SHA256 is refused: the live view needs the operator credential", () => {
    expect(parseConfig({ VIEW_ENABLED: "true" })).toMatchObject({
      ok: false,
      problem: { variable: "VIEW_ENABLED", value: "true", problem: expect.stringContaining("ADMIN_TOKEN_SHA256") },
    });
    expect(parseConfig({ VIEW_ENABLED: "1", ADMIN_TOKEN_SHA256: "ab".repeat(32) })).toMatchObject({
      ok: true,
      config: { viewEnabled: true },
    });
    expect(parseConfig({ VIEW_ENABLED: "0" })).toMatchObject({ ok: true, config: { viewEnabled: false } });
    expect(parseConfig({ VIEW_ENABLED: "yes" })).toMatchObject({ ok: false, problem: { variable: "VIEW_ENABLED" } });
  });

  test("an empty value counts as unset", () => {
    expect(parseConfig({ BROKER_PORT: "", DATABASE_URL: "" })).toMatchObject({
      ok: true,
      config: { port: 7900, databaseUrl: undefined },
    });
  });
});
