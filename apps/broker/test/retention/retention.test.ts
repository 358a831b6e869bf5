import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { insertQueueRows } from "../helpers/envelopes.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { session, type TestSocket, taggedSendTo } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({ SWEEP_INTERVAL_MS: "200", DELIVERED_RETENTION_HOURS: "1" });

let counter = 0;
/** Sends a `now` envelope tagged `tag` to `to` and returns its messageId once acked. */
async function send(s: TestSocket, to: TestMember, tag: string, extra: { id?: string; ttlSeconds?: number } = {}) {
  counter += 1;
  const id = extra.id ?? `r-${counter}`;
  s.send(taggedSendTo(to, tag, { ...extra, id }));
  const ack = await s.next("ack", (f) => f.id === id);
  return String(ack.messageId);
}

const retired = async (reason: "expired" | "delivered") =>
  (await metricValue(suite.broker.baseUrl, "broker_envelopes_retired_total", `reason="${reason}"`)) ?? -1;

/** The message ids still queued for a mesh, sorted. */
async function queuedMessageIds(meshId: string): Promise<string[]> {
  const rows = await suite.sql<{ messageId: string }[]>`
    select message_id as "messageId" from mesh.message_queue where mesh_id = ${meshId}`;
  return rows.map((r) => r.messageId).sort();
}

/** The client ids of a sender's idempotency keys (held by its envelope rows), sorted. */
async function keyClientIds(senderId: string): Promise<string[]> {
  const rows = await suite.sql<{ clientId: string }[]>`
    select client_id as "clientId" from mesh.envelope where sender_member_id = ${senderId} and client_id is not null`;
  return rows.map((r) => r.clientId).sort();
}

/**
 * The envelope row of a send `from` made `ago` (a Postgres interval) under the key `clientId`, all of whose rows
 * were delivered: kept, as the broker keeps it, only for the key's 24 h window.
 */
async function keyedEnvelope(from: TestMember, to: TestMember, clientId: string, ago: string) {
  await suite.sql`
    insert into mesh.envelope
      (message_id, mesh_id, sender_member_id, target_spec, nonce, ciphertext, client_id, created_at, keep_until)
    values (${`m-${clientId}`}, ${from.meshId}, ${from.id}, ${to.keys.publicKey}, 'AAAA', 'AAAA', ${clientId},
            now() - ${ago}::interval, now() - ${ago}::interval + interval '24 hours')`;
}

describe("retention sweep", () => {
  test("deletes what expired undelivered, what was delivered past the retention, keys past 24 h, hellos past the replay window; keeps the rest", async () => {
    const expiredBefore = await retired("expired");
    const deliveredBefore = await retired("delivered");
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    const carol = await addMember(suite.sql, mesh);
    await using a = await session(suite.broker.port, alice);
    await using c = await session(suite.broker.port, carol);

    // Bob is offline: his envelopes stay undelivered.
    await send(a, bob, "expires in 1 s", { ttlSeconds: 1 });
    const waiting = await send(a, bob, "no expiry");
    const notYetExpired = await send(a, bob, "expires in an hour", { ttlSeconds: 3600 });
    const leasedExpired = await send(a, bob, "expired, lease still held");
    // Expired, but an ack session still holds its lease: it may yet acknowledge it.
    await suite.sql`update mesh.message_queue
      set expires_at = now() - interval '1 minute', lease_presence_id = 'elsewhere',
          lease_expires_at = now() + interval '1 hour'
      where message_id = ${leasedExpired}`;

    // Carol is online (legacy session): hers are marked delivered on push.
    const deliveredLongAgo = await send(a, carol, "delivered 2 h ago");
    const deliveredRecently = await send(a, carol, "delivered just now");
    await c.next("push");
    await c.next("push");
    const bothDelivered = async () => {
      const [r] = await suite.sql<{ n: number }[]>`select count(*)::int as n from mesh.message_queue
        where message_id in ${suite.sql([deliveredLongAgo, deliveredRecently])} and delivered_at is not null`;
      return r?.n === 2;
    };
    expect(await eventually(bothDelivered, 15_000)).toBe(true);
    await suite.sql`update mesh.message_queue set delivered_at = now() - interval '2 hours'
      where message_id = ${deliveredLongAgo}`;

    // Idempotency keys: the sends above made fresh ones (r-…); two more, one past the 24 h window.
    await keyedEnvelope(alice, bob, "k-25h", "25 hours");
    await keyedEnvelope(alice, bob, "k-23h", "23 hours");
    const freshKeys = (await keyClientIds(alice.id)).filter((k) => k !== "k-25h");
    // Hellos seen: one past the replay window, one inside it.
    await suite.sql`insert into mesh.hello_seen (member_id, hello_timestamp, seen_at) values
      (${alice.id}, 1, now() - interval '10 minutes'), (${alice.id}, 2, now() - interval '1 minute')`;
    const helloTimestamps = async () =>
      (
        await suite.sql<{ t: string }[]>`select hello_timestamp::text as t from mesh.hello_seen
                                         where member_id = ${alice.id} and hello_timestamp < 3 order by 1`
      ).map((r) => r.t);

    const kept = [waiting, notYetExpired, leasedExpired, deliveredRecently].sort();
    const swept = async () =>
      JSON.stringify(await queuedMessageIds(mesh.id)) === JSON.stringify(kept) &&
      !(await keyClientIds(alice.id)).includes("k-25h") &&
      !(await helloTimestamps()).includes("1");
    expect(await eventually(swept, 15_000)).toBe(true);
    // A later sweep took nothing else. The control: a key past the window written now is gone only
    // once a sweep that started after this point has run (each run deletes queue rows, then envelope rows).
    await keyedEnvelope(alice, bob, "k-control", "25 hours");
    const controlSwept = async () => !(await keyClientIds(alice.id)).includes("k-control");
    expect(await eventually(controlSwept, 15_000)).toBe(true);
    expect(await queuedMessageIds(mesh.id)).toEqual(kept);
    expect(await keyClientIds(alice.id)).toEqual(freshKeys);
    expect(freshKeys).toContain("k-23h");
    expect(await helloTimestamps()).toEqual(["2"]);
    expect(await retired("expired")).toBe(expiredBefore + 1);
    expect(await retired("delivered")).toBe(deliveredBefore + 1);
  });

  test("registry rows of instances stopped longer ago than the retention go; recent and live ones stay", async () => {
    await suite.sql`
      insert into mesh.broker_instance (id, hostname, pid, version, heartbeat_at, stopped_at)
      values ('stopped-long-ago', 'h', 1, 'v', now() - interval '2 hours', now() - interval '2 hours'),
             ('stopped-just-now', 'h', 2, 'v', now(), now()),
             ('still-beating', 'h', 3, 'v', now() + interval '1 hour', null)`;
    const ids = async () =>
      (
        await suite.sql<{ id: string }[]>`select id from mesh.broker_instance where id in
         ('stopped-long-ago', 'stopped-just-now', 'still-beating') order by id`
      ).map((r) => r.id);
    expect(await eventually(async () => (await ids()).length === 2, 15_000)).toBe(true);
    expect(await ids()).toEqual(["still-beating", "stopped-just-now"]);
  });

  test("a backlog larger than one batch is worked off", async () => {
    const deliveredBefore = await retired("delivered");
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    const backlog = 2500;
    await insertQueueRows(
      suite.sql,
      Array.from({ length: backlog }, (_, g) => ({
        messageId: `backlog-${g + 1}-${mesh.id}`,
        from: alice,
        to: bob,
        priority: "low" as const,
        deliveredAgo: "2 hours",
      })),
    );
    const empty = async () => (await queuedMessageIds(mesh.id)).length === 0;
    expect(await eventually(empty, 20_000)).toBe(true);
    // The counter moves just after each delete commits.
    const counted = async () => (await retired("delivered")) === deliveredBefore + backlog;
    expect(await eventually(counted, 15_000)).toBe(true);
  });
});
