import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { session } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({ WS_MAX_PENDING_FRAMES: "32", FRAME_RATE_LIMIT_PER_SEC: "5" });

describe("a session's frame budget", () => {
  test("a socket that sends far faster than it is answered is closed with 1008 frame_flood; others carry on", async () => {
    const mesh = await createMesh(suite.sql);
    const [flooder, bystander] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    await using other = await session(suite.broker.port, bystander);
    await using s = await session(suite.broker.port, flooder);
    const before =
      (await metricValue(suite.broker.baseUrl, "broker_sessions_closed_total", 'reason="frame_flood"')) ?? 0;
    const frame = JSON.stringify({ type: "list_peers", _reqId: 1 });
    for (let i = 0; i < 2000; i++) s.ws.send(frame);
    expect(await s.closed).toEqual({ code: 1008, reason: "frame_flood" });
    expect(await metricValue(suite.broker.baseUrl, "broker_sessions_closed_total", 'reason="frame_flood"')).toBe(
      before + 1,
    );
    // The bystander's session is unaffected.
    other.send({ type: "list_peers", _reqId: "still-here" });
    expect((await other.next("peers_list"))._reqId).toBe("still-here");
  });

  test("each frame type has a rate: over it a request with _reqId gets rate_limited, one without is dropped", async () => {
    const mesh = await createMesh(suite.sql);
    await using s = await session(suite.broker.port, await addMember(suite.sql, mesh));
    // FRAME_RATE_LIMIT_PER_SEC=5: bursts of 10 status frames, of 2 list_peers (a tenth of the rate, at least 1/s).
    for (let i = 0; i < 14; i++) s.send({ type: "set_status", status: "idle", _reqId: `s${i}` });
    for (let i = 0; i < 14; i++) s.send({ type: "heartbeat" });
    s.send({ type: "list_peers", _reqId: "p0" });
    s.send({ type: "list_peers", _reqId: "p1" });
    s.send({ type: "list_peers", _reqId: "p2" });
    // Frames are handled in order: once the last answer is in, every earlier one is.
    await s.next(undefined, (f) => f._reqId === "p2");
    const answers = s.frames.filter((f) => typeof f._reqId === "string");
    const limited = answers.filter((f) => f.type === "error" && f.code === "rate_limited").map((f) => f._reqId);
    expect(answers.filter((f) => f.type === "status")).toHaveLength(10);
    // The heartbeats beyond the burst were dropped without an answer (no _reqId: nobody waits for one).
    expect(s.frames.filter((f) => f.type === "status" && f._reqId === undefined)).toHaveLength(10);
    expect(s.frames.filter((f) => f.type === "error" && f._reqId === undefined)).toHaveLength(0);
    expect(limited).toEqual(["s10", "s11", "s12", "s13", "p2"]);
    expect((await s.next("peers_list"))._reqId).toBe("p0");
    expect(
      await metricValue(suite.broker.baseUrl, "broker_frames_rate_limited_total", 'type="set_status"'),
    ).toBeGreaterThanOrEqual(4);
    // A second later the bucket has refilled.
    expect(
      await eventually(async () => {
        s.send({ type: "list_peers", _reqId: `later-${Date.now()}` });
        const answer = await s.next(undefined, (f) => String(f._reqId).startsWith("later-"));
        return answer.type === "peers_list";
      }, 10_000),
    ).toBe(true);
  });
});
