import { expect, test } from "bun:test";
import { type EnvelopeToStore, insertEnvelopes } from "../../src/delivery/insert-envelopes.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { envelopeFor } from "../helpers/envelopes.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";

const suite = useBrokerSuite({});

function envelope(sender: TestMember, to: TestMember | "*", clientId: string): EnvelopeToStore {
  return envelopeFor(sender, to, { clientId });
}

const store = (batch: EnvelopeToStore[]) =>
  insertEnvelopes(suite.sql, batch, {
    origin: "test",
    maxAgeSeconds: 3600,
    budgetOf: () => ({ mesh: 1_000_000, sender: 1_000_000 }),
  });

test("what a revoked member, or a member of an archived mesh, sends before its session is closed is refused, not stored", async () => {
  const mesh = await createMesh(suite.sql);
  const [revoked, alive] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  await suite.sql`update mesh.member set revoked_at = now() where id = ${revoked.id}`;
  const results = await store([
    envelope(revoked, alive, "r1"),
    envelope(revoked, "*", "r2"),
    envelope(alive, revoked, "a1"),
  ]);
  expect(results.map((r) => r.kind)).toEqual(["sender_ended", "sender_ended", "unknown_recipient"]);
  expect(results[0]).toEqual({ kind: "sender_ended", reason: "member_revoked" });
  const [row] = await suite.sql<
    { n: number }[]
  >`select count(*)::int as n from mesh.message_queue where mesh_id = ${mesh.id}`;
  expect(row?.n).toBe(0);
  // No envelope row holds its body or its idempotency key: it was never accepted.
  const [keys] = await suite.sql<{ n: number }[]>`
    select count(*)::int as n from mesh.envelope where sender_member_id = ${revoked.id}`;
  expect(keys?.n).toBe(0);

  const archived = await createMesh(suite.sql);
  const [a, b] = [await addMember(suite.sql, archived), await addMember(suite.sql, archived)];
  await suite.sql`update mesh.mesh set archived_at = now() where id = ${archived.id}`;
  expect(await store([envelope(a, b, "x1")])).toEqual([{ kind: "sender_ended", reason: "mesh_archived" }]);
  // The control: a live member of a live mesh in the same batch is stored.
  const [c, d] = [await addMember(suite.sql, mesh), alive];
  const [ok] = await store([envelope(c, d, "c1")]);
  expect(ok?.kind).toBe("queued");
});
