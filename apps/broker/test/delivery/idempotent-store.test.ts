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
      select count(*)::int as n, min(message_id) as "messageId" from mesh.message_queue
      where sender_member_id = ${alice.id} and client_id = ${clientId}`;
    expect(row).toEqual({ n: 1, messageId: ids[0] as string });
  }
});
