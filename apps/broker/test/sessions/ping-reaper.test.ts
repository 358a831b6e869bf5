import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { foreignPresence, isDisconnected } from "../helpers/foreign-rows.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { rawHelloClient } from "../helpers/raw-ws-client.ts";
import { helloFor, session } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({ WS_PING_INTERVAL_MS: "300" });

/** A peer whose process froze: it reads, but never answers a ping. */
const frozenClient = (port: number, hello: Record<string, unknown>) => rawHelloClient(port, hello, { reads: true });

async function livePresences(memberId: string): Promise<number> {
  const [r] = await suite.sql`select count(*)::int as n from mesh.presence
                              where member_id = ${memberId} and disconnected_at is null`;
  return r?.n ?? 0;
}

async function lastPingAt(presenceId: unknown): Promise<string> {
  const [r] = await suite.sql`select last_ping_at::text as at from mesh.presence where id = ${String(presenceId)}`;
  return String(r?.at);
}

describe("the ping reaper", () => {
  test("closes a session that stops answering pings and marks its presence disconnected; one that answers stays", async () => {
    const mesh = await createMesh(suite.sql);
    const frozen = await addMember(suite.sql, mesh);
    const alive = await addMember(suite.sql, mesh);
    await using ok = await session(suite.broker.port, alive);
    const client = await frozenClient(suite.broker.port, helloFor(frozen));
    expect(await eventually(async () => (await livePresences(frozen.id)) === 1, 10_000)).toBe(true);
    await client.closed;
    expect(await eventually(async () => (await livePresences(frozen.id)) === 0, 10_000)).toBe(true);
    // A session that answers pings is kept, and its last_ping_at moves.
    const first = await lastPingAt(ok.ack.presenceId);
    expect(await eventually(async () => (await lastPingAt(ok.ack.presenceId)) !== first, 10_000)).toBe(true);
    expect(await livePresences(alive.id)).toBe(1);
  });

  test("reaps a presence of this instance that no pong renews (its close was never recorded)", async () => {
    const mesh = await createMesh(suite.sql);
    const ghost = await addMember(suite.sql, mesh);
    const own = await suite.broker.instanceId();
    const leaked = await foreignPresence(suite.sql, ghost, own, suite.sql`now() - interval '1 minute'`);
    expect(await eventually(() => isDisconnected(suite.sql, leaked), 10_000)).toBe(true);
  });
});
