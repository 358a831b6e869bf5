import { expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { sendFrameTo, session } from "../helpers/ws-client.ts";

/*
 * A pool whose every connection waits (a backlog, a lock) is not an outage:
 * the health ping runs on a connection of its own, so /health stays 200 and
 * sends are not refused with db_unavailable while they merely queue.
 */
const POOL_SIZE = 2;
const suite = useBrokerSuite({ DB_POOL_SIZE: String(POOL_SIZE), DB_PING_INTERVAL_MS: "250" });

/** The broker's pooled connections waiting on a lock, and when its ping connection last ran a query. */
async function brokerConnections(): Promise<{ waitingOnLock: number; lastPing: string | null }> {
  const [row] = await suite.sql<{ waiting: number; last_ping: string | null }[]>`
    select count(*) filter (where application_name = 'mesh-broker' and wait_event_type = 'Lock')::int as waiting,
           max(query_start) filter (where application_name = 'mesh-broker-ping')::text as last_ping
    from pg_stat_activity where datname = current_database()`;
  return { waitingOnLock: row?.waiting ?? 0, lastPing: row?.last_ping ?? null };
}

test("/health stays 200 while every pooled connection waits on a lock; the queued sends and hooks are answered after", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  await using a = await session(suite.broker.port, alice);

  let releaseLock: () => void = () => {};
  const lockReleased = new Promise<void>((resolve) => {
    releaseLock = resolve;
  });
  let lockTaken: () => void = () => {};
  const locked = new Promise<void>((resolve) => {
    lockTaken = resolve;
  });
  // The broker's own readers of both tables (the queue sweep's oldest-deliverable query) may take them in the
  // other order: Postgres then breaks the deadlock by failing one side, sometimes this one. Take the lock again.
  const takeLock = (attempt: number): Promise<void> =>
    suite.sql
      .begin(async (tx) => {
        await tx`lock table mesh.message_queue, mesh.presence in access exclusive mode`;
        lockTaken();
        await lockReleased;
      })
      .then(
        () => {},
        (e: unknown) => {
          if ((e as { code?: string }).code === "40P01" && attempt < 5) return takeLock(attempt + 1);
          throw e;
        },
      );
  const holder = takeLock(0);
  await Promise.race([locked, holder]);

  const statuses: number[] = [];
  let hooks: Promise<number[]> = Promise.resolve([]);
  try {
    for (let i = 0; i < 4; i++) {
      a.send(sendFrameTo(bob, { id: `busy-${i}` }));
    }
    // Hooks wait on the presence table: with the send batch they hold the whole pool.
    hooks = Promise.all(
      [1, 2, 3].map((pid) =>
        fetch(`${suite.broker.baseUrl}/hook/set-status`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ cwd: "/srv/busy-pool", pid, status: "working" }),
        }).then((r) => r.status),
      ),
    );
    // The pool is provably stuck before the window opens...
    expect(await eventually(async () => (await brokerConnections()).waitingOnLock === POOL_SIZE, 15_000)).toBe(true);
    // ...and the window lasts until the ping has run three more times, whatever the machine's pace.
    const pings = new Set<string>();
    const waiting: number[] = [];
    const pingedThrice = await eventually(async () => {
      statuses.push((await fetch(`${suite.broker.baseUrl}/health`)).status);
      const now = await brokerConnections();
      waiting.push(now.waitingOnLock);
      if (now.lastPing) pings.add(now.lastPing);
      return pings.size > 3;
    }, 20_000);
    expect(pingedThrice).toBe(true);
    expect(waiting.every((n) => n === POOL_SIZE)).toBe(true);
  } finally {
    releaseLock();
    await holder;
  }
  expect(await hooks).toEqual([200, 200, 200]);

  expect(statuses.length).toBeGreaterThan(3);
  expect(statuses.every((s) => s === 200)).toBe(true);
  const acks = await Promise.all([0, 1, 2, 3].map((i) => a.next("ack", (f) => f.id === `busy-${i}`)));
  expect(acks.length).toBe(4);
  expect(a.all("error")).toEqual([]);
});
