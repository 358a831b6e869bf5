import { expect, test } from "bun:test";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { sendFrameTo, session } from "../helpers/ws-client.ts";

/*
 * A pool whose every connection waits (a backlog, a lock) is not an outage:
 * the health ping runs on a connection of its own, so /health stays 200 and
 * sends are not refused with db_unavailable while they merely queue.
 */
const suite = useBrokerSuite({ DB_POOL_SIZE: "2", DB_PING_INTERVAL_MS: "250" });

test("/health stays 200 while every pooled connection waits on a lock; the queued sends and hooks are answered after", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  const a = await session(suite.broker.port, alice);

  let releaseLock: () => void = () => {};
  const lockReleased = new Promise<void>((resolve) => {
    releaseLock = resolve;
  });
  let lockTaken: () => void = () => {};
  const locked = new Promise<void>((resolve) => {
    lockTaken = resolve;
  });
  const holder = suite.sql.begin(async (tx) => {
    await tx`lock table mesh.message_queue, mesh.presence in access exclusive mode`;
    lockTaken();
    await lockReleased;
  });
  await locked;

  for (let i = 0; i < 4; i++) {
    a.send(sendFrameTo(bob, { id: `busy-${i}` }));
  }
  // Hooks wait on the presence table: with the send batch they hold the whole pool.
  const hooks = [1, 2, 3].map((pid) =>
    fetch(`${suite.broker.baseUrl}/hook/set-status`, {
      method: "POST",
      body: JSON.stringify({ cwd: "/srv/busy-pool", pid, status: "working" }),
    }).then((r) => r.status),
  );
  const statuses: number[] = [];
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    statuses.push((await fetch(`${suite.broker.baseUrl}/health`)).status);
    await Bun.sleep(100);
  }
  releaseLock();
  await holder;
  expect(await Promise.all(hooks)).toEqual([200, 200, 200]);

  expect(statuses.length).toBeGreaterThan(10);
  expect(statuses.every((s) => s === 200)).toBe(true);
  const acks = await Promise.all([0, 1, 2, 3].map((i) => a.next("ack", (f) => f.id === `busy-${i}`, 10_000)));
  expect(acks.length).toBe(4);
  expect(a.all("error")).toEqual([]);
  await a.close();
});
