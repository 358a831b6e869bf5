import { describe, expect, test } from "bun:test";
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
});
