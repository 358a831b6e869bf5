import { afterAll, beforeAll, expect, test } from "bun:test";
import { createDbClient, type DbClient, runMigrations } from "@mesh/db";
import { createTestDatabase, type TestDatabase } from "@mesh/db/testing";
import { MAX_WAKE_IDS, notifyWake, WAKE_CHANNEL } from "../../src/delivery/notify-wake.ts";
import { eventually } from "../helpers/broker-process.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";

let database: TestDatabase;
let client: DbClient;
let listener: DbClient;
const received: { m: string[]; p: string[]; from: string }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  client = createDbClient(database.url, { max: 2, applicationName: "notify-wake-test" });
  await runMigrations(client.sql);
  listener = createDbClient(database.url, {
    max: 1,
    applicationName: "notify-wake-listener",
    idleTimeoutSeconds: null,
    onNotify: (_channel, payload) => received.push(JSON.parse(payload)),
  });
  await listener.sql`listen ${listener.sql(WAKE_CHANNEL)}`;
});
afterAll(async () => {
  await listener.close(0);
  await client.close();
  await database.drop();
});

async function live(member: TestMember, instanceId: string): Promise<string> {
  const [row] = await client.sql<{ id: string }[]>`
    insert into mesh.presence (member_id, mesh_id, instance_id, session_id)
    values (${member.id}, ${member.meshId}, ${instanceId}, 's') returning id`;
  return String(row?.id);
}

let controls = 0;
/**
 * What `act` made Postgres send on the wake channel. A listener receives
 * notifications in commit order, so once a control notified after `act` has
 * arrived, whatever `act` sent has arrived before it.
 */
async function notificationsAfter(act: () => Promise<void>): Promise<typeof received> {
  received.length = 0;
  await act();
  controls += 1;
  const from = `control-${controls}`;
  await client.sql`select pg_notify(${WAKE_CHANNEL}, ${JSON.stringify({ from, m: [], p: [] })})`;
  const isControl = (n: (typeof received)[number]) => n.from === from;
  if (!(await eventually(async () => received.some(isControl), 15_000))) {
    throw new Error("the control notification never arrived: the listener is not live");
  }
  return received.slice(0, received.findIndex(isControl));
}

test("names only members and presences live on another instance, in one notification", async () => {
  const mesh = await createMesh(client.sql);
  const [here, there, offline] = await Promise.all([1, 2, 3].map(() => addMember(client.sql, mesh)));
  if (!here || !there || !offline) throw new Error("members");
  await live(here, "me");
  const thereSession = await live(there, "other");
  const herePresence = await live(here, "me");
  const got = await notificationsAfter(() =>
    notifyWake(client.sql, "me", {
      memberIds: [here.id, there.id, offline.id, there.id],
      presenceIds: [thereSession, herePresence],
    }),
  );
  expect(got).toEqual([{ from: "me", m: [there.id], p: [thereSession] }]);
});

test("nothing is sent when no other instance holds any of them, or when the transaction rolls back", async () => {
  const mesh = await createMesh(client.sql);
  const member = await addMember(client.sql, mesh);
  await live(member, "me");
  expect(await notificationsAfter(() => notifyWake(client.sql, "me", { memberIds: [member.id] }))).toEqual([]);

  const elsewhere = await addMember(client.sql, mesh);
  await live(elsewhere, "other");
  const rolledBack = await notificationsAfter(async () => {
    await client.sql
      .begin(async (tx) => {
        await notifyWake(tx, "me", { memberIds: [elsewhere.id] });
        throw new Error("roll back");
      })
      .catch(() => undefined);
  });
  expect(rolledBack).toEqual([]);
});

test(`a commit waking more than ${MAX_WAKE_IDS} sends one notification per ${MAX_WAKE_IDS}, each under the payload limit`, async () => {
  const mesh = await createMesh(client.sql);
  const members = await Promise.all(Array.from({ length: MAX_WAKE_IDS + 40 }, () => addMember(client.sql, mesh)));
  await Promise.all(members.map((m) => live(m, "other")));
  const got = await notificationsAfter(() =>
    client.sql.begin(async (tx) => notifyWake(tx, "me", { memberIds: members.map((m) => m.id) })),
  );
  expect(got.map((n) => n.m.length).sort((a, b) => b - a)).toEqual([MAX_WAKE_IDS, 40]);
  expect(new Set(got.flatMap((n) => n.m))).toEqual(new Set(members.map((m) => m.id)));
  for (const n of got) expect(JSON.stringify(n).length).toBeLessThan(8000);
});
