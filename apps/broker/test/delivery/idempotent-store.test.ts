import { expect, test } from "bun:test";
import { insertEnvelopes } from "../../src/delivery/insert-envelopes.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { envelopeFor } from "../helpers/envelopes.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";

const suite = useBrokerSuite({});

const store = (envelope: ReturnType<typeof envelopeFor>) =>
  insertEnvelopes(suite.sql, [envelope], { origin: "test", maxAgeSeconds: 3600 });

test("a send and its retry stored at the same moment (two lanes, two instances): one row, both answered with one messageId", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  for (let i = 0; i < 20; i++) {
    const clientId = `retry-${i}`;
    const [first, second] = await Promise.all([
      store(envelopeFor(alice, bob, { clientId })),
      store(envelopeFor(alice, bob, { clientId })),
    ]);
    const kinds = [first?.[0]?.kind, second?.[0]?.kind].sort();
    expect(kinds).toEqual(["duplicate", "queued"]);
    const ids = [first?.[0], second?.[0]].map((r) => (r && "messageId" in r ? r.messageId : undefined));
    expect(ids[0]).toBe(ids[1]);
    const [row] = await suite.sql<{ n: number; messageId: string }[]>`
      select count(*)::int as n, min(q.message_id) as "messageId"
      from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
      where e.sender_member_id = ${alice.id} and e.client_id = ${clientId}`;
    expect(row).toEqual({ n: 1, messageId: ids[0] as string });
  }
});

test("a key held by an envelope older than the 24 h window is released: the send is stored as new", async () => {
  const mesh = await createMesh(suite.sql);
  const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  const [first] = await store(envelopeFor(alice, bob, { clientId: "reused" }));
  expect(first?.kind).toBe("queued");
  // Still undelivered (its body is kept until it expires), but its key is older than the window.
  await suite.sql`
    update mesh.envelope set created_at = now() - interval '25 hours'
    where sender_member_id = ${alice.id} and client_id = 'reused'`;
  const again = envelopeFor(alice, bob, { clientId: "reused" });
  const [second] = await store(again);
  expect(second).toMatchObject({ kind: "queued", messageId: again.messageId });
  const rows = await suite.sql<{ messageId: string; clientId: string | null }[]>`
    select message_id as "messageId", client_id as "clientId" from mesh.envelope
    where sender_member_id = ${alice.id} order by id`;
  expect([...rows]).toEqual([
    { messageId: first && "messageId" in first ? first.messageId : "", clientId: null },
    { messageId: again.messageId, clientId: "reused" },
  ]);
});
