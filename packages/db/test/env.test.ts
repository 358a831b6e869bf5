import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  DATABASE_ENV_VARIABLES,
  databaseSource,
  describeEnvProblem,
  parseDatabaseEnv,
  parseDecimalInteger,
} from "../src/env/index.ts";
import { freePort } from "../src/testing/index.ts";

const MIGRATE_CLI = join(import.meta.dir, "..", "src", "migrate-cli.ts");

describe("parseDecimalInteger", () => {
  const range = { min: 1, max: 65535 };

  test.each(["1", "80", "08080", "65535"])("%j is read as decimal", (raw) => {
    expect(parseDecimalInteger(raw, range)).toEqual({ ok: true, value: Number.parseInt(raw, 10) });
  });

  test.each([
    "0x1F40",
    "0o17",
    "0b101",
    "7900.0",
    "1e3",
    " 80 ",
    "80\n",
    "+80",
    "-0",
    "1_000",
    "",
    "Infinity",
    "NaN",
    "٨٠",
  ])("%j is not a plain decimal integer", (raw) => {
    expect(parseDecimalInteger(raw, range)).toEqual({ ok: false, problem: "is not a plain decimal integer" });
  });

  test("bounds on both sides, huge values included", () => {
    expect(parseDecimalInteger("0", range)).toEqual({ ok: false, problem: "is below 1" });
    expect(parseDecimalInteger("65536", range)).toEqual({ ok: false, problem: "is above 65535" });
    expect(parseDecimalInteger("9".repeat(400), range)).toEqual({ ok: false, problem: "is above 65535" });
  });

  test("a minus sign only where the range goes below zero", () => {
    expect(parseDecimalInteger("-5", { min: -10, max: 10 })).toEqual({ ok: true, value: -5 });
    expect(parseDecimalInteger("-11", { min: -10, max: 10 })).toEqual({ ok: false, problem: "is below -10" });
  });
});

describe("parseDatabaseEnv", () => {
  test("defaults, and empty values count as unset", () => {
    expect(parseDatabaseEnv({ DATABASE_URL: "", BROKER_DATA_DIR: "", DB_POOL_SIZE: "" })).toEqual({
      ok: true,
      env: { databaseUrl: undefined, dataDir: undefined, nodeEnv: "development", poolSize: 10 },
    });
  });

  test("reads only its own variables", () => {
    expect(parseDatabaseEnv({ BROKER_PORT: "not read here", DB_POOL_SIZE: "4" })).toMatchObject({
      ok: true,
      env: { poolSize: 4 },
    });
  });

  test("production without DATABASE_URL is refused as missing, not invalid", () => {
    expect(parseDatabaseEnv({ NODE_ENV: "production" })).toMatchObject({
      ok: false,
      refusal: "url_missing",
      problem: { variable: "DATABASE_URL", value: undefined },
    });
  });

  test("a refused URL keeps its shape, never its credentials", () => {
    const result = parseDatabaseEnv({ DATABASE_URL: "mysql://admin:s3cret@db/mesh" });
    expect(result).toMatchObject({ ok: false, refusal: "invalid", problem: { value: "mysql://***@db/mesh" } });
    expect(JSON.stringify(result)).not.toContain("s3cret");
  });

  test("the refusal line names the variable, the problem and the accepted range", () => {
    const result = parseDatabaseEnv({ DB_POOL_SIZE: "0x10" });
    if (result.ok) throw new Error("expected a refusal");
    expect(describeEnvProblem(result.problem)).toBe(
      `invalid configuration: DB_POOL_SIZE is not a plain decimal integer; accepted: ${DATABASE_ENV_VARIABLES.DB_POOL_SIZE.accepted}`,
    );
  });

  test("databaseSource: the URL, else the embedded cluster's folder", () => {
    const fallback = () => "/fallback";
    const env = { databaseUrl: undefined, dataDir: undefined, nodeEnv: "test", poolSize: 10 } as const;
    expect(databaseSource(env, fallback)).toEqual({ kind: "embedded", dataDir: "/fallback" });
    expect(databaseSource({ ...env, dataDir: "/x" }, fallback)).toEqual({ kind: "embedded", dataDir: "/x" });
    expect(databaseSource({ ...env, databaseUrl: "postgres://h/db" }, fallback)).toEqual({
      kind: "url",
      url: "postgres://h/db",
    });
  });
});

describe("pnpm db:migrate reads the environment as the broker does", () => {
  /** Runs the migration CLI with `env` only; returns its exit code and stderr. */
  async function migrate(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    const child = Bun.spawn([process.execPath, MIGRATE_CLI], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    return { code, stderr };
  }

  test("a value the broker refuses is refused before any connection, with the same line", async () => {
    // Nothing listens there: reaching the database would fail differently.
    const url = `postgres://mesh@127.0.0.1:${await freePort()}/mesh`;
    const expected = parseDatabaseEnv({ DATABASE_URL: url, DB_POOL_SIZE: " 4 " });
    if (expected.ok) throw new Error("expected a refusal");
    expect(await migrate({ DATABASE_URL: url, DB_POOL_SIZE: " 4 " })).toEqual({
      code: 1,
      stderr: `${describeEnvProblem(expected.problem)}\n`,
    });
  });

  test("production without DATABASE_URL is refused instead of starting an embedded Postgres", async () => {
    const { code, stderr } = await migrate({ NODE_ENV: "production" });
    expect(code).toBe(1);
    expect(stderr).toStartWith("invalid configuration: DATABASE_URL is required when NODE_ENV=production");
  });
});
