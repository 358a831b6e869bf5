import { afterAll, beforeAll, expect, test } from "bun:test";
import { createDbClient } from "../src/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

/*
 * postgres.js 3.4.9 defers small writes with setImmediate; a query issued on a
 * connection whose socket has closed meanwhile threw `socket.write` on null
 * from that timer, an exception no caller can catch, so the broker process
 * died when Postgres restarted or killed its backends (found by `pnpm chaos`).
 * patches/postgres@3.4.9.patch fails the query with CONNECTION_CLOSED instead,
 * and keeps a reserved connection that closed out of the pool's open queue
 * (released, it used to be handed out again and fail every later query).
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

test("a query on a pinned connection whose backend was killed rejects with CONNECTION_CLOSED", async () => {
  let closed: () => void = () => {};
  const sawClose = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const victim = createDbClient(database.url, {
    max: 1,
    applicationName: "connection-loss-victim",
    onConnectionClosed: () => closed(),
  });
  const killer = createDbClient(database.url, { max: 1, applicationName: "connection-loss-killer" });
  try {
    const pinned = await victim.sql.reserve();
    const [row] = await pinned<{ pid: number }[]>`select pg_backend_pid() as pid`;
    await killer.sql`select pg_terminate_backend(${row?.pid ?? 0})`;
    // The driver has seen the socket close before the next query is written (an event, not a fixed wait:
    // on a busy machine the write could otherwise race the close and fail with ECONNRESET instead).
    await sawClose;
    const outcome = await pinned`select 1`.then(
      () => "answered",
      (e: unknown) => (e as { code?: string }).code,
    );
    pinned.release();
    expect(outcome).toBe("CONNECTION_CLOSED");
    // The pool reconnects: the next query gets a new backend.
    const [after] = await victim.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    expect(after?.pid).not.toBe(row?.pid);
  } finally {
    await victim.close();
    await killer.close();
  }
});
