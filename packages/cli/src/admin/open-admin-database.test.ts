import { describe, expect, test } from "bun:test";
import { parseDatabaseEnv } from "@mesh/db";
import { adminDatabaseSource } from "./open-admin-database.ts";

const fallback = () => "/default/data";

describe("adminDatabaseSource", () => {
  test("DATABASE_URL wins", () => {
    expect(adminDatabaseSource({ DATABASE_URL: "postgres://u@h/db", BROKER_DATA_DIR: "/x" }, fallback)).toEqual({
      kind: "url",
      url: "postgres://u@h/db",
    });
  });

  test("without it: BROKER_DATA_DIR, else the default folder; empty means unset", () => {
    expect(adminDatabaseSource({ BROKER_DATA_DIR: "/x" }, fallback)).toEqual({ kind: "embedded", dataDir: "/x" });
    expect(adminDatabaseSource({ DATABASE_URL: "", BROKER_DATA_DIR: "" }, fallback)).toEqual({
      kind: "embedded",
      dataDir: "/default/data",
    });
  });

  test("refuses a malformed URL, and the embedded default in production", () => {
    expect(() => adminDatabaseSource({ DATABASE_URL: "mysql://h/db" }, fallback)).toThrow(
      expect.objectContaining({ code: "bad_env" }),
    );
    expect(() => adminDatabaseSource({ NODE_ENV: "production" }, fallback)).toThrow(
      expect.objectContaining({ code: "database_url_required" }),
    );
  });

  test.each([
    ["NODE_ENV", "staging"],
    ["DB_POOL_SIZE", "0x10"],
    ["DB_POOL_SIZE", " 4 "],
    ["DB_POOL_SIZE", "1"],
    ["DATABASE_URL", "postgres://"],
  ])(
    "%s=%j is refused by the parser the broker shares, naming the variable and the accepted range",
    (variable, value) => {
      const env = { DATABASE_URL: "postgres://u@h/db", [variable]: value };
      const shared = parseDatabaseEnv(env);
      expect(shared).toMatchObject({ ok: false, problem: { variable } });
      if (shared.ok) return;
      expect(() => adminDatabaseSource(env, fallback)).toThrow(
        expect.objectContaining({
          code: "bad_env",
          message: `${variable} ${shared.problem.problem}; accepted: ${shared.problem.accepted}`,
        }),
      );
    },
  );

  test("a production environment with a URL and a pool size is accepted", () => {
    const env = { DATABASE_URL: "postgresql://u@h:5432/db", NODE_ENV: "production", DB_POOL_SIZE: "20" };
    expect(adminDatabaseSource(env, fallback)).toEqual({ kind: "url", url: "postgresql://u@h:5432/db" });
  });
});
