import { afterAll, beforeAll, expect, test } from "bun:test";
import { createDbClient, type DbClient, runMigrations } from "@mesh/db";
import { createTestDatabase, migrateTo, type TestDatabase } from "@mesh/db/testing";
import { PRIORITIES } from "@mesh/shared";
import { claimDeliverable } from "../../src/delivery/claim-deliverable.ts";
import { insertEnvelopes } from "../../src/delivery/insert-envelopes.ts";
import { envelopeFor } from "../helpers/envelopes.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";

// Migration 0012 moves what an envelope carries into one `envelope` row per send and the idempotency keys onto
// it. With a backlog in place as the broker before it left one, nothing undelivered may be lost or changed.

let database: TestDatabase;
let db: DbClient;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDbClient(database.url, { max: 2 });
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

interface OldRow {
  messageId: string;
  sender: TestMember;
  recipient: TestMember;
  target: string;
  ciphertext: string;
  sessionKey?: string;
  delivered?: boolean;
  expiresAt?: "none";
  clientId?: string;
}

async function insertOldRow(r: OldRow): Promise<void> {
  const sql = db.sql;
  await sql`
    insert into mesh.message_queue
      (message_id, mesh_id, sender_member_id, recipient_member_id, target_spec, priority, nonce, ciphertext,
       client_id, expires_at, delivered_at, sender_session_pubkey, created_at)
    values (${r.messageId}, ${r.sender.meshId}, ${r.sender.id}, ${r.recipient.id}, ${r.target}, 'now',
            ${`nonce-${r.ciphertext}`}, ${r.ciphertext}, ${r.clientId ?? null},
            ${r.expiresAt === "none" ? null : sql`now() + interval '1 hour'`},
            ${r.delivered ? sql`now()` : null}, ${r.sessionKey ?? null}, now() - interval '2 hours')`;
}

test("an undelivered backlog and the last 24 h of idempotency keys survive migration 0012", async () => {
  const sql = db.sql;
  await migrateTo(sql, "0011_waiting_index");
  const mesh = await createMesh(sql);
  const [alice, bob, carol] = [await addMember(sql, mesh), await addMember(sql, mesh), await addMember(sql, mesh)];
  const [m1, m2, m3, m4, m5] = [1, 2, 3, 4, 5].map((): string => crypto.randomUUID()) as [
    string,
    string,
    string,
    string,
    string,
  ];
  // m1: direct to bob, sealed by alice's session key, keyed k1, waiting.
  await insertOldRow({
    messageId: m1,
    sender: alice,
    recipient: bob,
    target: bob.keys.publicKey,
    ciphertext: "c1",
    sessionKey: "alice-session",
    clientId: "k1",
  });
  // m2: a broadcast, delivered to carol, still waiting for bob.
  await insertOldRow({
    messageId: m2,
    sender: alice,
    recipient: carol,
    target: "*",
    ciphertext: "c2",
    delivered: true,
  });
  await insertOldRow({ messageId: m2, sender: alice, recipient: bob, target: "*", ciphertext: "c2" });
  // m3: delivered to carol, keyed k3 an hour ago: the key must outlive its rows' bodies.
  await insertOldRow({
    messageId: m3,
    sender: alice,
    recipient: carol,
    target: carol.keys.publicKey,
    ciphertext: "c3",
    delivered: true,
    clientId: "k3",
  });
  // m4: stored before rows had an expiry, still waiting for bob.
  await insertOldRow({
    messageId: m4,
    sender: alice,
    recipient: bob,
    target: bob.keys.publicKey,
    ciphertext: "c4",
    expiresAt: "none",
  });
  await sql`
    insert into mesh.send_idempotency (sender_member_id, client_id, message_id, created_at)
    values (${alice.id}, 'k1', ${m1}, now() - interval '2 hours'),
           (${alice.id}, 'k3', ${m3}, now() - interval '1 hour'),
           (${alice.id}, 'k5', ${m5}, now() - interval '25 hours')`;
  const before = await sql<{ id: string; messageId: string; ciphertext: string }[]>`
    select id::text, message_id as "messageId", ciphertext from mesh.message_queue
    where delivered_at is null order by id`;

  expect((await runMigrations(sql)).applied).toBeGreaterThan(0);

  // Every undelivered row names an envelope carrying what it carried; delivered rows name none.
  const after = await sql<{ id: string; messageId: string; ciphertext: string; bodyOf: string }[]>`
    select q.id::text, q.message_id as "messageId", e.ciphertext, e.message_id as "bodyOf"
    from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
    where q.delivered_at is null order by q.id`;
  expect(after.map(({ id, messageId, ciphertext }) => ({ id, messageId, ciphertext }))).toEqual(before);
  expect(after.every((r) => r.bodyOf === r.messageId)).toBe(true);
  const [delivered] = await sql<{ n: number }[]>`
    select count(*)::int as n from mesh.message_queue where delivered_at is not null and envelope_id <> 0`;
  expect(delivered?.n).toBe(0);
  // One body per send, kept at least until its rows expire (a row without an expiry: the longest maximum age).
  const bodies = await sql<{ messageId: string; clientId: string | null; keptHours: number }[]>`
    select message_id as "messageId", client_id as "clientId",
           round(extract(epoch from keep_until - created_at) / 3600)::int as "keptHours"
    from mesh.envelope order by message_id`;
  expect([...bodies]).toEqual(
    [
      { messageId: m1, clientId: "k1", keptHours: 24 },
      { messageId: m2, clientId: null, keptHours: 3 },
      { messageId: m3, clientId: "k3", keptHours: 24 },
      { messageId: m4, clientId: null, keptHours: 8760 },
    ].sort((a, b) => String(a.messageId).localeCompare(String(b.messageId))),
  );

  // The drain pushes the backlog as it was, oldest first, sealed by whom it was.
  const session = { presenceId: "bob-session", priorities: PRIORITIES };
  const claimed = await claimDeliverable(
    sql,
    [{ memberId: bob.id, priorities: PRIORITIES, sessions: [session], leasePresenceId: "bob-session" }],
    10,
    30,
  );
  expect(claimed.rows.map((r) => [r.messageId, r.nonce, r.ciphertext, r.senderPubkey])).toEqual([
    [m1, "nonce-c1", "c1", "alice-session"],
    [m2, "nonce-c2", "c2", alice.keys.publicKey],
    [m4, "nonce-c4", "c4", alice.keys.publicKey],
  ]);

  // Keys of the last 24 h still make a retry a duplicate; an older one is free.
  const retries = await insertEnvelopes(
    sql,
    ["k1", "k3", "k5"].map((clientId) => envelopeFor(alice, bob, { clientId })),
    { origin: "test", maxAgeSeconds: 3600 },
  );
  expect(retries.map((r) => (r.kind === "duplicate" ? r.messageId : r.kind))).toEqual([m1, m3, "queued"]);
});
