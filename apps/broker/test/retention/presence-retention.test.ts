import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair } from "@mesh/shared";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { insertQueueRows } from "../helpers/envelopes.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { sessionHelloFor } from "../helpers/session-hello.ts";
import { connect, session, taggedSendTo, tagOf } from "../helpers/ws-client.ts";

/*
 * Issue 15, item 8: presences of ended sessions are deleted once older than
 * PRESENCE_RETENTION_HOURS (the smallest value, 1 h: the tests move rows back
 * in time rather than wait).
 */
const suite = useBrokerSuite({ PRESENCE_RETENTION_HOURS: "1", SWEEP_INTERVAL_MS: "200" });

async function twoMembers(): Promise<[TestMember, TestMember]> {
  const mesh = await createMesh(suite.sql);
  return [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
}

/** Inserts ended presences of `member`, `count` of them, ended `endedAgo` ago (a Postgres interval). */
async function endedPresences(
  member: TestMember,
  endedAgo: string,
  options: { count?: number; sessionPubkey?: string } = {},
): Promise<string[]> {
  const rows = await suite.sql<{ id: string }[]>`
    insert into mesh.presence (member_id, mesh_id, instance_id, session_id, session_pubkey, connected_at,
                               disconnected_at)
    select ${member.id}, ${member.meshId}, 'gone', 'churn-' || g, ${options.sessionPubkey ?? null},
           now() - ${endedAgo}::interval - interval '1 minute', now() - ${endedAgo}::interval
    from generate_series(1, ${options.count ?? 1}) g
    returning id`;
  return rows.map((r) => r.id);
}

async function existing(ids: readonly string[]): Promise<string[]> {
  const rows = await suite.sql<{ id: string }[]>`select id from mesh.presence where id = any(${ids as string[]})`;
  return rows.map((r) => r.id).sort();
}

describe("presence retention", () => {
  test("deletes presences ended longer ago than the retention, in batches; keeps live and recent ones, those a lease names, and session-keyed ones for 24 h", async () => {
    const [alice, bob] = await twoMembers();
    await using live = await session(suite.broker.port, bob);
    const churn = await endedPresences(bob, "2 hours", { count: 2500 });
    const recent = await endedPresences(bob, "30 minutes");
    const leased = await endedPresences(bob, "2 hours");
    const keyedRecent = await endedPresences(bob, "2 hours", { sessionPubkey: generateEd25519KeyPair().publicKey });
    const keyedOld = await endedPresences(bob, "25 hours", { sessionPubkey: generateEd25519KeyPair().publicKey });
    await insertQueueRows(suite.sql, [
      { messageId: `leased-${bob.id}`, from: alice, to: bob, lease: { presenceId: String(leased[0]), for: "1 hour" } },
    ]);

    const gone = async () => (await existing([...churn, ...keyedOld])).length === 0;
    expect(await eventually(gone, 20_000)).toBe(true);
    // A later sweep still keeps the rest: the control, ended long ago and written now, goes first.
    const control = await endedPresences(bob, "2 hours");
    expect(await eventually(async () => (await existing(control)).length === 0, 15_000)).toBe(true);
    const kept = [String(live.ack.presenceId), ...recent, ...leased, ...keyedRecent];
    expect(await existing(kept)).toEqual([...kept].sort());
  });

  test("a row addressed to a session whose presence was deleted reaches the member's next session", async () => {
    const [alice, bob] = await twoMembers();
    const { frame, sessionKeys } = sessionHelloFor(bob);
    const launched = await connect(suite.broker.port);
    launched.send(frame);
    const hello = await launched.next("hello_ack");
    await launched.close();
    await using a = await session(suite.broker.port, alice);
    // The launch has ended: the envelope waits for bob's next session, naming the ended one.
    a.send({ ...taggedSendTo(bob, "for the ended launch", { id: "to-launch" }), targetSpec: sessionKeys.publicKey });
    expect(await a.next(undefined, (f) => f.id === "to-launch")).toMatchObject({ type: "ack", recipients: 1 });
    const [row] =
      await suite.sql`select target_presence_id from mesh.message_queue where recipient_member_id = ${bob.id}`;
    expect(row?.target_presence_id).toBe(hello.presenceId);

    // A day later, its presence is deleted.
    await suite.sql`update mesh.presence set disconnected_at = now() - interval '25 hours'
                    where id = ${String(hello.presenceId)}`;
    expect(await eventually(async () => (await existing([String(hello.presenceId)])).length === 0, 15_000)).toBe(true);
    await using next = await session(suite.broker.port, bob);
    expect(tagOf(await next.next("push"))).toBe("for the ended launch");
  });
});
