import { expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { connect, helloFor, session, socketGroup } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({ HELLO_RATE_LIMIT_PER_MIN: "6", MAX_SESSIONS_PER_MEMBER: "3" });

async function refusedWith(
  frame: Record<string, unknown>,
): Promise<{ code: unknown; close: { code: number; reason: string } }> {
  await using socket = await connect(suite.broker.port);
  socket.send(frame);
  const error = await socket.next("error");
  return { code: error.code, close: await socket.closed };
}

async function liveSessions(memberId: string): Promise<number> {
  const [row] = await suite.sql<{ n: number }[]>`
    select count(*)::int as n from mesh.presence where member_id = ${memberId} and disconnected_at is null`;
  return row?.n ?? 0;
}

test("one member holds at most MAX_SESSIONS_PER_MEMBER sessions; other members still get in", async () => {
  const mesh = await createMesh(suite.sql);
  const [hog, other] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  await using held = socketGroup(await Promise.all([1, 2, 3].map(() => session(suite.broker.port, hog))));
  expect(held.every((s) => s.ack.type === "hello_ack")).toBe(true);
  expect(await refusedWith(helloFor(hog))).toEqual({ code: "capacity", close: { code: 1008, reason: "capacity" } });
  expect(await liveSessions(hog.id)).toBe(3);
  await using fine = await session(suite.broker.port, other);
  expect(fine.ack.type).toBe("hello_ack");
});

test("a member over HELLO_RATE_LIMIT_PER_MIN is refused with rate_limited before any row is written", async () => {
  const mesh = await createMesh(suite.sql);
  const churner = await addMember(suite.sql, mesh);
  const presences = async () => {
    const [row] = await suite.sql<
      { n: number }[]
    >`select count(*)::int as n from mesh.presence where member_id = ${churner.id}`;
    return row?.n ?? 0;
  };
  // Six hellos a minute: open and close, six times.
  for (let i = 0; i < 6; i++) {
    const s = await session(suite.broker.port, churner);
    await s.close();
    // Its close is recorded before the next hello: the member's session cap is not what stops it.
    expect(await eventually(async () => (await liveSessions(churner.id)) === 0, 10_000)).toBe(true);
  }
  expect(await refusedWith(helloFor(churner))).toEqual({
    code: "rate_limited",
    close: { code: 1008, reason: "rate_limited" },
  });
  expect(await presences()).toBe(6);
  // Another member is not affected by this one's churn.
  await using fresh = await session(suite.broker.port, await addMember(suite.sql, mesh));
  expect(fresh.ack.type).toBe("hello_ack");
});
