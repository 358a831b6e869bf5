import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { insertQueueRows } from "../helpers/envelopes.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { type Frame, sendFrameTo, session, type TestSocket } from "../helpers/ws-client.ts";

/*
 * Issue 15, item 3: no mesh is full for good. Undelivered envelopes live at
 * most UNDELIVERED_MAX_AGE_HOURS (the smallest value, 1 h: the tests move
 * stored rows back in time rather than wait), and rows nobody can receive
 * (a revoked recipient, an archived mesh) neither count nor stay.
 */
const suite = useBrokerSuite({ MESH_QUEUE_CAP: "3", UNDELIVERED_MAX_AGE_HOURS: "1", SWEEP_INTERVAL_MS: "200" });

let sent = 0;
/** Sends one frame (with a fresh id) and resolves with its answer. */
async function send(s: TestSocket, to: TestMember, fields: Record<string, unknown> = {}): Promise<Frame> {
  sent += 1;
  const id = `u-${sent}`;
  s.send(sendFrameTo(to, { id, ...fields }));
  return s.next(undefined, (f) => (f.type === "ack" || f.type === "error") && f.id === id);
}

/** Sends until one is acked (the mesh has room again), within the deadline. */
const eventuallyAcked = (s: TestSocket, to: TestMember) =>
  eventually(async () => (await send(s, to)).type === "ack", 20_000);

const retired = async (reason: string) =>
  (await metricValue(suite.broker.baseUrl, "broker_envelopes_retired_total", `reason="${reason}"`)) ?? Number.NaN;

async function rowsFor(memberId: string): Promise<number> {
  const [row] = await suite.sql<{ n: number }[]>`
    select count(*)::int as n from mesh.message_queue where recipient_member_id = ${memberId}`;
  return row?.n ?? -1;
}

async function threeMembers(): Promise<[TestMember, TestMember, TestMember]> {
  const mesh = await createMesh(suite.sql);
  return [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
}

describe("undelivered envelopes", () => {
  test("expire after UNDELIVERED_MAX_AGE_HOURS whatever their ttlSeconds, then stop counting and are retired", async () => {
    const [alice, bob, carol] = await threeMembers();
    const expiredBefore = await retired("expired");
    await using a = await session(suite.broker.port, alice);
    expect((await send(a, bob)).type).toBe("ack");
    expect((await send(a, bob, { ttlSeconds: 7200 })).type).toBe("ack");
    expect((await send(a, bob, { ttlSeconds: 60 })).type).toBe("ack");
    const lifetimes = await suite.sql<{ seconds: number }[]>`
      select extract(epoch from expires_at - created_at)::int as seconds from mesh.message_queue
      where recipient_member_id = ${bob.id} order by id`;
    expect(lifetimes.map((r) => r.seconds)).toEqual([3600, 3600, 60]);
    expect(await send(a, carol)).toMatchObject({ type: "error", code: "queue_full" });

    // Two hours later (the rows moved back): bob never came; the mesh has room, and his rows go.
    await suite.sql`update mesh.message_queue
      set created_at = created_at - interval '2 hours', expires_at = expires_at - interval '2 hours'
      where recipient_member_id = ${bob.id}`;
    expect(await eventuallyAcked(a, carol)).toBe(true);
    expect(await eventually(async () => (await rowsFor(bob.id)) === 0, 15_000)).toBe(true);
    expect(await eventually(async () => (await retired("expired")) >= expiredBefore + 3, 15_000)).toBe(true);
  });

  test("stored without an expiry (before the max age existed), they stop counting once past it and are retired; younger ones stay", async () => {
    const [alice, bob, carol] = await threeMembers();
    await insertQueueRows(suite.sql, [
      ...[1, 2, 3].map((g) => ({ messageId: `legacy-${g}-${bob.id}`, from: alice, to: bob, storedAgo: "2 hours" })),
      { messageId: `legacy-young-${carol.id}`, from: alice, to: carol },
    ]);
    await using a = await session(suite.broker.port, alice);
    // Three rows without an expiry would fill the mesh for good; past the max age they do not count.
    expect(await eventuallyAcked(a, carol)).toBe(true);
    expect(await eventually(async () => (await rowsFor(bob.id)) === 0, 15_000)).toBe(true);
    const [young] = await suite.sql`select 1 from mesh.message_queue where message_id = ${`legacy-young-${carol.id}`}`;
    expect(young).toBeDefined();
  });

  test("for a revoked member, or in an archived mesh, are retired and stop counting", async () => {
    const [alice, bob, carol] = await threeMembers();
    const revokedBefore = await retired("revoked");
    const archivedBefore = await retired("archived");
    {
      await using a = await session(suite.broker.port, alice);
      for (let i = 0; i < 3; i++) expect((await send(a, bob)).type).toBe("ack");
      expect(await send(a, carol)).toMatchObject({ type: "error", code: "queue_full" });
      await suite.sql`update mesh.member set revoked_at = now() where id = ${bob.id}`;
      expect(await eventually(async () => (await rowsFor(bob.id)) === 0, 15_000)).toBe(true);
      expect(await eventuallyAcked(a, carol)).toBe(true);
      expect(await eventually(async () => (await retired("revoked")) === revokedBefore + 3, 15_000)).toBe(true);
    }

    // Carol is offline: what alice sent her waits, until the mesh is archived.
    expect(await rowsFor(carol.id)).toBeGreaterThan(0);
    const carols = await rowsFor(carol.id);
    await suite.sql`update mesh.mesh set archived_at = now() where id = ${alice.meshId}`;
    expect(await eventually(async () => (await rowsFor(carol.id)) === 0, 15_000)).toBe(true);
    expect(await eventually(async () => (await retired("archived")) === archivedBefore + carols, 15_000)).toBe(true);
  });
});
