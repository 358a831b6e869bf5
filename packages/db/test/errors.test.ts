import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { sql as drizzleSql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import {
  ADMIN_SHUTDOWN,
  CANNOT_CONNECT_NOW,
  CRASH_SHUTDOWN,
  isDatabaseUnavailable,
  READ_ONLY_SQL_TRANSACTION,
  TOO_MANY_CONNECTIONS,
} from "../src/errors.ts";
import { createTestDatabase, freePort, type TestDatabase } from "../src/testing/index.ts";

/*
 * Every error below is what postgres.js (or drizzle over it) really throws for
 * the condition: a name that does not resolve, a closed port, a role out of
 * connection slots, a terminated backend, a server that never answers, and a
 * server answering the startup the way Postgres does while it starts, shuts
 * down or resets (the only way to get those SQLSTATEs on demand).
 */

/** Runs `select 1` on a fresh one-connection client of `url` and returns what it threw. */
async function failureOf(url: string, options: postgres.Options<Record<string, never>> = {}): Promise<unknown> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {}, ...options });
  try {
    await sql`select 1`;
    return undefined;
  } catch (e: unknown) {
    return e;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A Postgres ErrorResponse message ('E') with severity FATAL, `code` and `message`. */
function errorResponse(code: string, message: string): Uint8Array {
  const fields = new TextEncoder().encode(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const frame = new Uint8Array(5 + fields.length);
  frame[0] = "E".charCodeAt(0);
  new DataView(frame.buffer).setInt32(1, 4 + fields.length);
  frame.set(fields, 5);
  return frame;
}

/** A local server that answers a connection's startup message with `reply`, or never when null. */
async function withFakeServer<T>(reply: Uint8Array | null, run: (url: string) => Promise<T>): Promise<T> {
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket) {
        if (reply === null) return;
        socket.write(reply);
        socket.end();
      },
    },
  });
  try {
    return await run(`postgres://mesh@127.0.0.1:${server.port}/mesh`);
  } finally {
    server.stop(true);
  }
}

const codeOf = (e: unknown) => (e as { code?: unknown } | undefined)?.code;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe("isDatabaseUnavailable: the database cannot be used right now", () => {
  test("a host name that does not resolve (yet): ENOTFOUND", async () => {
    const e = await failureOf("postgres://mesh@nonexistent.invalid:5432/mesh");
    expect(codeOf(e)).toBe("ENOTFOUND");
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  test("a port nothing listens on: ECONNREFUSED", async () => {
    const e = await failureOf(`postgres://mesh@127.0.0.1:${await freePort()}/mesh`);
    expect(codeOf(e)).toBe("ECONNREFUSED");
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  test("a server that accepts the connection and never answers: CONNECT_TIMEOUT", async () => {
    const e = await withFakeServer(null, (url) => failureOf(url, { connect_timeout: 1 }));
    expect(codeOf(e)).toBe("CONNECT_TIMEOUT");
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  test("no connection slot left (a role limited to 0 connections): 53300 too_many_connections", async () => {
    const role = `mesh_t_full_${randomBytes(4).toString("hex")}`;
    const admin = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create role ${role} login password 'slots' connection limit 0`);
      const url = new URL(database.url);
      url.username = role;
      url.password = "slots";
      const e = await failureOf(url.toString());
      expect(codeOf(e)).toBe(TOO_MANY_CONNECTIONS);
      expect(isDatabaseUnavailable(e)).toBe(true);
    } finally {
      await admin.unsafe(`drop role if exists ${role}`);
      await admin.end({ timeout: 1 });
    }
  });

  // The server sends 57P01 and closes; postgres.js keeps that error for the ReadyForQuery that never
  // comes and fails the query with the closed connection instead.
  test("a backend terminated under a running query: CONNECTION_CLOSED", async () => {
    const victim = postgres(database.url, { max: 1, onnotice: () => {} });
    const killer = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await victim<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const running = victim`select pg_sleep(30)`.then(
        () => undefined,
        (e: unknown) => e,
      );
      // Terminate only once the sleep is under way, so the query itself gets the error.
      for (let i = 0; i < 100; i++) {
        const [state] = await killer<{ active: boolean }[]>`
          select state = 'active' as active from pg_stat_activity where pid = ${row?.pid ?? 0}`;
        if (state?.active) break;
        await Bun.sleep(20);
      }
      await killer`select pg_terminate_backend(${row?.pid ?? 0})`;
      const e = await running;
      expect(["CONNECTION_CLOSED", "ECONNRESET", ADMIN_SHUTDOWN]).toContain(String(codeOf(e)));
      expect(isDatabaseUnavailable(e)).toBe(true);
    } finally {
      await victim.end({ timeout: 1 });
      await killer.end({ timeout: 1 });
    }
  });

  test.each([
    [CANNOT_CONNECT_NOW, "the database system is starting up"],
    [ADMIN_SHUTDOWN, "terminating connection due to administrator command"],
    [CRASH_SHUTDOWN, "terminating connection because of crash of another server process"],
    ["08P01", "invalid length of startup packet"],
    ["08006", "connection failure"],
  ])("a server refusing the startup with %s", async (code, message) => {
    const e = await withFakeServer(errorResponse(code, message), (url) => failureOf(url));
    expect(e).toBeInstanceOf(postgres.PostgresError);
    expect(codeOf(e)).toBe(code);
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  // What a write meets on a standby after a failover, or under ALTER DATABASE/SYSTEM … default_transaction_read_only.
  test("a write to a server that refuses writes for now: 25006 read_only_sql_transaction", async () => {
    const sql = postgres(database.url, {
      max: 1,
      onnotice: () => {},
      connection: { default_transaction_read_only: true },
    });
    try {
      const e = await drizzle(sql)
        .execute(drizzleSql`create table read_only_probe (id int)`)
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(codeOf((e as { cause?: unknown }).cause)).toBe(READ_ONLY_SQL_TRANSACTION);
      expect(isDatabaseUnavailable(e)).toBe(true);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  test("a pool ended by its owner: CONNECTION_ENDED", async () => {
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    await sql.end();
    const e = await sql`select 1`.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(codeOf(e)).toBe("CONNECTION_ENDED");
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  test("drizzle's wrapper around a refused connection: the cause is looked at", async () => {
    const sql = postgres(`postgres://mesh@127.0.0.1:${await freePort()}/mesh`, { max: 1, onnotice: () => {} });
    try {
      const e = await drizzle(sql)
        .execute(drizzleSql`select 1`)
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(codeOf(e)).toBeUndefined();
      expect(codeOf((e as { cause?: unknown }).cause)).toBe("ECONNREFUSED");
      expect(isDatabaseUnavailable(e)).toBe(true);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  test("a temporary resolver failure: EAI_AGAIN (shaped as Bun reports it; not reproducible on demand)", () => {
    const e = Object.assign(new Error("getaddrinfo EAI_AGAIN db"), { code: "EAI_AGAIN", syscall: "getaddrinfo" });
    expect(isDatabaseUnavailable(e)).toBe(true);
  });
});

describe("isDatabaseUnavailable: a query or a setting that a retry cannot fix", () => {
  test.each([
    ["a syntax error (42601)", "selec 1", "42601"],
    ["an unknown table (42P01)", "select * from no_such_table", "42P01"],
    ["a division by zero (22012)", "select 1 / 0", "22012"],
  ])("%s", async (_what, query, code) => {
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const e = await sql.unsafe(query).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(codeOf(e)).toBe(code);
      expect(isDatabaseUnavailable(e)).toBe(false);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  test("a database that does not exist (3D000)", async () => {
    const url = new URL(database.url);
    url.pathname = `/mesh_t_missing_${randomBytes(4).toString("hex")}`;
    const e = await failureOf(url.toString());
    expect(codeOf(e)).toBe("3D000");
    expect(isDatabaseUnavailable(e)).toBe(false);
  });

  test.each([
    ["undefined", undefined],
    ["null", null],
    ["a bare string", "ECONNREFUSED"],
    ["a numeric code", { code: 8006 }],
    ["a code that only starts like class 08", { code: "08" }],
    ["a plain Error", new Error("boom")],
  ])("%s", (_what, value) => {
    expect(isDatabaseUnavailable(value)).toBe(false);
  });
});
