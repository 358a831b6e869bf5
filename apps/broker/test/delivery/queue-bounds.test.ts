import { describe, expect, test } from "bun:test";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { type Frame, sendFrameTo, session, type TestSocket } from "../helpers/ws-client.ts";

/*
 * Issue 15, items 2 and 3: the queue cap is reserved at admission (a burst
 * never stores past it), and one member's backlog, as recipient or as
 * sender, takes no more than its share of the mesh.
 */
const suite = useBrokerSuite(
  { MESH_QUEUE_CAP: "100" },
  { MEMBER_QUEUE_CAP: "5", MESH_QUEUE_CAP: "1000", SWEEP_INTERVAL_MS: "200" },
);

/** A new mesh of `n` members. */
async function meshOf(n: number): Promise<TestMember[]> {
  const mesh = await createMesh(suite.sql);
  const members: TestMember[] = [];
  for (let i = 0; i < n; i++) members.push(await addMember(suite.sql, mesh, { displayName: `agent-${i}` }));
  return members;
}

/** Sends every frame at once and resolves with each one's answer (`ack` or `error`), in order. */
async function burst(s: TestSocket, frames: Record<string, unknown>[]): Promise<Frame[]> {
  for (const f of frames) s.send(f);
  return Promise.all(
    frames.map((f) => s.next(undefined, (a) => (a.type === "ack" || a.type === "error") && a.id === f.id, 30_000)),
  );
}

/** Sends one frame and resolves with its answer. */
async function sendOne(s: TestSocket, frame: Record<string, unknown>): Promise<Frame> {
  const [answer] = await burst(s, [frame]);
  if (!answer) throw new Error("no answer");
  return answer;
}

async function rowsInMesh(meshId: string): Promise<number> {
  const [row] = await suite.sql<{ n: number }[]>`
    select count(*)::int as n from mesh.message_queue where mesh_id = ${meshId}`;
  return row?.n ?? -1;
}

const codes = (answers: Frame[]) => answers.map((f) => (f.type === "ack" ? "ack" : String(f.code)));

describe("the mesh cap, reserved at admission", () => {
  test("900 direct sends at once store exactly MESH_QUEUE_CAP rows; the rest get queue_full", async () => {
    const [alice, bob] = (await meshOf(2)) as [TestMember, TestMember];
    await using a = await session(suite.broker.port, alice);
    const answers = await burst(
      a,
      Array.from({ length: 900 }, (_, i) => sendFrameTo(bob, { id: `direct-${i}` })),
    );
    const acked = codes(answers).filter((c) => c === "ack").length;
    expect(acked).toBe(100);
    expect(codes(answers).filter((c) => c === "queue_full").length).toBe(800);
    expect(await rowsInMesh(alice.meshId)).toBe(100);
    const refused = answers.find((f) => f.type === "error");
    expect(String(refused?.message)).toContain("MESH_QUEUE_CAP");
  });

  test("900 broadcasts at once in a 31-member mesh store no more than MESH_QUEUE_CAP rows", async () => {
    const members = await meshOf(31);
    const alice = members[0] as TestMember;
    await using a = await session(suite.broker.port, alice);
    const answers = await burst(
      a,
      Array.from({ length: 900 }, (_, i) => sendFrameTo("*", { id: `broadcast-${i}` })),
    );
    const acks = answers.filter((f) => f.type === "ack");
    // Three broadcasts of 30 rows fit under 100; a fourth would not.
    expect(acks.length).toBe(3);
    expect(acks.every((f) => f.recipients === 30)).toBe(true);
    expect(codes(answers).filter((c) => c === "queue_full").length).toBe(897);
    expect(await rowsInMesh(alice.meshId)).toBe(90);
  });
});

describe("a member's share (MEMBER_QUEUE_CAP)", () => {
  test("a recipient and a sender at their share get queue_full saying which, while another pair of the mesh still sends; broadcasts skip the full recipient", async () => {
    const broker = suite.brokerAt(1);
    const [alice, bob, carol, dave] = (await meshOf(4)) as [TestMember, TestMember, TestMember, TestMember];
    await using a = await session(broker.port, alice);
    await using c = await session(broker.port, carol);
    await using d = await session(broker.port, dave);
    // Bob is offline: what alice sends him waits.
    const first = await burst(
      a,
      Array.from({ length: 5 }, (_, i) => sendFrameTo(bob, { id: `to-bob-${i}` })),
    );
    expect(codes(first)).toEqual(["ack", "ack", "ack", "ack", "ack"]);
    const overRecipient = await sendOne(c, sendFrameTo(bob, { id: "carol-to-bob" }));
    expect(overRecipient).toMatchObject({ type: "error", code: "queue_full" });
    expect(String(overRecipient.message)).toContain("the recipient holds");
    const overSender = await sendOne(a, sendFrameTo(dave, { id: "alice-to-dave" }));
    expect(overSender).toMatchObject({ type: "error", code: "queue_full" });
    expect(String(overSender.message)).toContain("you have");

    // Carol and dave are untouched by bob's backlog and alice's.
    expect(await sendOne(c, sendFrameTo(dave, { id: "carol-to-dave" }))).toMatchObject({ type: "ack", recipients: 1 });
    expect((await d.next("push")).type).toBe("push");
    expect(await sendOne(d, sendFrameTo(carol, { id: "dave-to-carol" }))).toMatchObject({ type: "ack", recipients: 1 });

    // A broadcast reaches everyone but bob.
    const skippedBefore =
      (await metricValue(broker.baseUrl, "broker_broadcast_recipients_skipped_total")) ?? Number.NaN;
    expect(await sendOne(d, sendFrameTo("*", { id: "dave-to-all" }))).toMatchObject({ type: "ack", recipients: 2 });
    const [bobsRows] = await suite.sql<{ n: number }[]>`
      select count(*)::int as n from mesh.message_queue where recipient_member_id = ${bob.id}`;
    expect(bobsRows?.n).toBe(5);
    expect(await metricValue(broker.baseUrl, "broker_broadcast_recipients_skipped_total")).toBe(skippedBefore + 1);
  });
});
