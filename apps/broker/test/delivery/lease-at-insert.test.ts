import { expect, test } from "bun:test";
import type { Priority } from "@mesh/shared";
import { type EnvelopeToStore, insertEnvelopes } from "../../src/delivery/insert-envelopes.ts";
import type { LeaseCandidate } from "../../src/delivery/lease-candidates.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { envelopeFor } from "../helpers/envelopes.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";

const suite = useBrokerSuite({});

let sent = 0;
function envelope(sender: TestMember, to: TestMember | "*", priority: Priority = "now"): EnvelopeToStore {
  sent += 1;
  return envelopeFor(sender, to, {
    priority,
    ciphertext: Buffer.from(`envelope ${sent}`).toString("base64"),
    clientId: `c${sent}`,
  });
}

/** Stores a batch with the sessions `ready` (member id → a session taking `priorities`) as lease candidates. */
function store(batch: EnvelopeToStore[], ready: Map<string, readonly Priority[]>) {
  return insertEnvelopes(suite.sql, batch, {
    origin: "instance-under-test",
    maxAgeSeconds: 3600,
    leaseLocal: {
      leaseSeconds: 30,
      candidatesOf: (e): LeaseCandidate[] =>
        [...ready]
          .filter(([memberId]) => memberId !== e.senderMemberId)
          .map(([memberId, priorities]) => ({ memberId, presenceId: `presence-of-${memberId}`, priorities })),
    },
  });
}

const rowsOf = (recipient: TestMember) => suite.sql<
  { ciphertext: string; priority: Priority; leasePresenceId: string | null; attempts: number; leased: boolean }[]
>`
  select e.ciphertext, q.priority, q.lease_presence_id as "leasePresenceId", q.attempts,
         q.lease_expires_at > now() + interval '20 seconds' as leased
  from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
  where q.recipient_member_id = ${recipient.id} order by q.id`;

test("a row for a ready session here is stored leased to it and returned to push, as a claim would leave it", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  const e = envelope(alice, bob);
  const [result] = await store([e], new Map([[bob.id, ["now", "next", "low"]]]));
  expect(result?.kind).toBe("queued");
  if (result?.kind !== "queued") return;
  expect(result.leased).toHaveLength(1);
  const [pushed] = result.leased;
  expect(pushed).toMatchObject({
    messageId: e.messageId,
    recipientMemberId: bob.id,
    ciphertext: e.ciphertext,
    senderPubkey: alice.keys.publicKey,
    senderMemberPubkey: alice.keys.publicKey,
    pushes: 1,
  });
  expect([...(await rowsOf(bob))]).toEqual([
    { ciphertext: e.ciphertext, priority: "now", leasePresenceId: `presence-of-${bob.id}`, attempts: 1, leased: true },
  ]);
});

test("no lease without a session here, or for a priority the session does not take now", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob, carol] = [
    await addMember(suite.sql, mesh),
    await addMember(suite.sql, mesh),
    await addMember(suite.sql, mesh),
  ];
  // bob is `working` here (takes `now` only); carol has no session here.
  const results = await store(
    [envelope(alice, bob, "next"), envelope(alice, carol, "now")],
    new Map([[bob.id, ["now"]]]),
  );
  for (const r of results) {
    expect(r.kind).toBe("queued");
    if (r.kind === "queued") expect(r.leased).toEqual([]);
  }
  expect((await rowsOf(bob)).map((r) => r.leasePresenceId)).toEqual([null]);
  expect((await rowsOf(carol)).map((r) => r.leasePresenceId)).toEqual([null]);
});

test("an older row the session could take, waiting unleased, holds newer rows back for the drain (order kept)", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  // Stored while bob had no session here: it waits.
  await store([envelope(alice, bob, "next")], new Map());
  // bob is idle here now: a `next` row would overtake the waiting one, so it is not leased.
  const [held] = await store([envelope(alice, bob, "next")], new Map([[bob.id, ["now", "next", "low"]]]));
  expect(held?.kind === "queued" && held.leased).toEqual([]);
  // A `now` row while bob is `working` is leased: the waiting `next` row is not one he could take now.
  const [urgent] = await store([envelope(alice, bob, "now")], new Map([[bob.id, ["now"]]]));
  expect(urgent?.kind === "queued" && urgent.leased.length).toBe(1);
  expect((await rowsOf(bob)).map((r) => [r.priority, r.leasePresenceId !== null])).toEqual([
    ["next", false],
    ["next", false],
    ["now", true],
  ]);
  // Once the waiting rows are leased (a drain took them), new rows go straight to the session again.
  await suite.sql`
    update mesh.message_queue set lease_presence_id = 'drained', lease_expires_at = now() + interval '30 seconds'
    where recipient_member_id = ${bob.id} and lease_presence_id is null`;
  const [direct] = await store([envelope(alice, bob, "next")], new Map([[bob.id, ["now", "next", "low"]]]));
  expect(direct?.kind === "queued" && direct.leased.length).toBe(1);
});

test("a broadcast's rows are leased to the recipients ready here, the others wait; rows in one batch keep batch order", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob, carol, dave] = [
    await addMember(suite.sql, mesh),
    await addMember(suite.sql, mesh),
    await addMember(suite.sql, mesh),
    await addMember(suite.sql, mesh),
  ];
  const ready = new Map<string, readonly Priority[]>([
    [bob.id, ["now", "next", "low"]],
    [carol.id, ["now"]],
  ]);
  const batch = [envelope(alice, "*", "next"), envelope(alice, bob), envelope(alice, bob)];
  const [broadcast, first, second] = await store(batch, ready);
  if (broadcast?.kind !== "queued" || first?.kind !== "queued" || second?.kind !== "queued") {
    throw new Error("expected all three queued");
  }
  expect(broadcast.recipientMemberIds.sort()).toEqual([bob.id, carol.id, dave.id].sort());
  // carol is working (the broadcast is `next`), dave has no session here.
  expect(broadcast.leased.map((r) => r.recipientMemberId)).toEqual([bob.id]);
  expect(first.leased).toHaveLength(1);
  expect(second.leased).toHaveLength(1);
  expect(BigInt(first.leased[0]?.id ?? 0)).toBeLessThan(BigInt(second.leased[0]?.id ?? 0));
  expect((await rowsOf(carol)).map((r) => r.leasePresenceId)).toEqual([null]);
  expect((await rowsOf(dave)).map((r) => r.leasePresenceId)).toEqual([null]);
});
