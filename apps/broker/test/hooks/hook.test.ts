import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { createTestDatabase } from "@mesh/db/testing";
import type { ClientProfile } from "@mesh/shared";
import { type BrokerProcess, eventually, startBrokerProcess } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { pushesUpToControl, sendFrameTo, session } from "../helpers/ws-client.ts";
import { postHook as hook } from "./post-hook.ts";

const MAX_BYTES = 4096;
const RATE_PER_MIN = 3;
/** Anonymous hooks allowed (NODE_ENV=test), small bodies; then HOOK_ALLOW_ANONYMOUS=false; then a low rate limit. */
const suite = useBrokerSuite(
  { MAX_MESSAGE_BYTES: String(MAX_BYTES) },
  { HOOK_ALLOW_ANONYMOUS: "false" },
  { HOOK_RATE_LIMIT_PER_MIN: String(RATE_PER_MIN) },
);

/** A cwd no other test uses, so pending statuses and fallbacks never cross tests. */
const freshCwd = () => `/srv/hook-test/${randomUUID()}`;

async function presenceStatus(presenceId: unknown): Promise<{ status: string; status_source: string } | undefined> {
  const [row] = await suite.sql<{ status: string; status_source: string }[]>`
    select status, status_source from mesh.presence where id = ${String(presenceId)}`;
  return row;
}

/**
 * A session of a new member of a new mesh, in `cwd` with `pid`. The mesh runs
 * the claudemesh profile unless told otherwise: only there may a tokenless
 * hook reach a session.
 */
async function agent(
  target: BrokerProcess,
  pid: number,
  cwd: string,
  profile: ClientProfile = "claudemesh",
): ReturnType<typeof session> {
  const mesh = await createMesh(suite.sql, "hook test mesh", { profile });
  return session(target.port, await addMember(suite.sql, mesh), { pid, cwd });
}

describe("resolving the session", () => {
  test("a hook by (pid, cwd) sets working, then idle, with source hook, and logs one `hook` line", async () => {
    const cwd = freshCwd();
    await using s = await agent(suite.broker, 501, cwd);
    const id = s.ack.presenceId;
    expect(await presenceStatus(id)).toEqual({ status: "idle", status_source: "heartbeat" });

    // A tokenless hook is told nothing but {ok:true} (hook-request-checks.test.ts); the database shows what it did.
    const working = await hook(suite.broker, { cwd, pid: 501, status: "working" });
    expect(working).toMatchObject({ status: 200, body: { ok: true } });
    expect(await presenceStatus(id)).toEqual({ status: "working", status_source: "hook" });

    const idle = await hook(suite.broker, { cwd, pid: 501, status: "idle", session_id: "claude-session-1" });
    expect(idle.body).toEqual({ ok: true });
    expect(await presenceStatus(id)).toEqual({ status: "idle", status_source: "hook" });

    await suite.broker.waitForLog((l) => l.msg === "hook" && l.cwd === cwd && l.status === "idle");
    const lines = suite.broker.logs.filter((l) => l.msg === "hook" && l.cwd === cwd);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "info", pid: 501, status: "working", presence_id: id, pending: false });
  });

  test("with another pid, the most recently connected session in that cwd; an exact pid still wins", async () => {
    const cwd = freshCwd();
    await using older = await agent(suite.broker, 601, cwd);
    await using newer = await agent(suite.broker, 602, cwd);

    const statuses = async () => [
      (await presenceStatus(older.ack.presenceId))?.status,
      (await presenceStatus(newer.ack.presenceId))?.status,
    ];
    await hook(suite.broker, { cwd, pid: 999_999, status: "working" });
    expect(await statuses()).toEqual(["idle", "working"]);
    await hook(suite.broker, { cwd, status: "idle" });
    expect(await statuses()).toEqual(["idle", "idle"]);
    await hook(suite.broker, { cwd, pid: 601, status: "working" });
    expect(await statuses()).toEqual(["working", "idle"]);
  });

  test("a session's token scopes the hook to that session, whatever pid and cwd say", async () => {
    const cwd = freshCwd();
    await using mine = await agent(suite.broker, 701, cwd);
    // Same pid and cwd, and more recent: a tokenless hook would pick this one.
    await using other = await agent(suite.broker, 701, cwd);
    const token = String(mine.ack.hookToken);

    const scoped = await hook(suite.broker, { cwd: "/somewhere/else", pid: 1, status: "working" }, { token });
    expect(scoped).toMatchObject({ status: 200, body: { ok: true, presence_id: mine.ack.presenceId } });
    expect(await presenceStatus(mine.ack.presenceId)).toEqual({ status: "working", status_source: "hook" });
    expect(await presenceStatus(other.ack.presenceId)).toMatchObject({ status: "idle" });
    const line = await suite.broker.waitForLog((l) => l.msg === "hook" && l.presence_id === mine.ack.presenceId);
    expect(JSON.stringify(suite.broker.logs)).not.toContain(token);
    expect(line).toMatchObject({ cwd: "/somewhere/else", pid: 1, status: "working", pending: false });
  });

  test("a token of no live session is refused with 401 bad_hook_token, and nothing changes", async () => {
    const cwd = freshCwd();
    await using s = await agent(suite.broker, 801, cwd);
    const token = String(s.ack.hookToken);
    for (const options of [{ token: "not-a-token" }, { token: `${token}x` }, { authorization: "Basic dXNlcjpwdw==" }]) {
      const refused = await hook(suite.broker, { cwd, pid: 801, status: "working" }, options);
      expect({ options, status: refused.status, body: refused.body }).toEqual({
        options,
        status: 401,
        body: { ok: false, error: "bad_hook_token", message: expect.any(String) },
      });
      expect(refused.headers.get("www-authenticate")).toBe("Bearer");
    }
    expect(await presenceStatus(s.ack.presenceId)).toMatchObject({ status: "idle" });

    // A closed session's token dies with it.
    await s.close();
    const gone = await eventually(async () => {
      const [row] = await suite.sql`select disconnected_at from mesh.presence where id = ${String(s.ack.presenceId)}`;
      return row?.disconnected_at != null;
    }, 15_000);
    expect(gone).toBe(true);
    const late = await hook(suite.broker, { cwd, status: "working" }, { token });
    expect(late).toMatchObject({ status: 401, body: { ok: false, error: "bad_hook_token" } });
  });

  test("tokenless hooks are refused with 401 hook_token_required when HOOK_ALLOW_ANONYMOUS=false; tokens still work", async () => {
    const cwd = freshCwd();
    await using s = await agent(suite.brokerAt(1), 901, cwd);
    const anonymous = await hook(suite.brokerAt(1), { cwd, pid: 901, status: "working" });
    expect(anonymous).toMatchObject({ status: 401, body: { ok: false, error: "hook_token_required" } });
    expect(await presenceStatus(s.ack.presenceId)).toMatchObject({ status: "idle" });

    const scoped = await hook(
      suite.brokerAt(1),
      { cwd, pid: 901, status: "working" },
      { token: String(s.ack.hookToken) },
    );
    expect(scoped).toMatchObject({ status: 200, body: { presence_id: s.ack.presenceId, status: "working" } });
    expect(await presenceStatus(s.ack.presenceId)).toEqual({ status: "working", status_source: "hook" });
  });
});

describe("client profiles", () => {
  test("a tokenless hook reaches a claudemesh session in its cwd, never a strict one, even the newer one with its pid", async () => {
    const cwd = freshCwd();
    await using claudemesh = await agent(suite.broker, 2101, cwd, "claudemesh");
    // Newer, and with the hook's pid: without the profile rule, both lookups would pick it.
    await using strict = await agent(suite.broker, 2102, cwd, "strict");
    expect(strict.ack.profile).toBe("strict");
    expect(claudemesh.ack.profile).toBe("claudemesh");

    for (const body of [
      { cwd, pid: 2102, status: "working" },
      { cwd, status: "idle" },
      { cwd, pid: 999_999, status: "working" },
    ]) {
      const answer = await hook(suite.broker, body);
      expect({ body, answer: answer.body }).toEqual({ body, answer: { ok: true } });
      expect({ body, now: await presenceStatus(claudemesh.ack.presenceId) }).toEqual({
        body,
        now: { status: body.status, status_source: "hook" },
      });
    }
    expect(await presenceStatus(claudemesh.ack.presenceId)).toEqual({ status: "working", status_source: "hook" });
    expect(await presenceStatus(strict.ack.presenceId)).toEqual({ status: "idle", status_source: "heartbeat" });

    // The control: the strict session's own token still reaches it, and its status frame is the first it hears.
    const scoped = await hook(suite.broker, { cwd, status: "working" }, { token: String(strict.ack.hookToken) });
    expect(scoped.body).toEqual({ ok: true, presence_id: strict.ack.presenceId, status: "working", applied: true });
    expect(await strict.next("status")).toEqual({ type: "status", status: "working", source: "hook" });
    expect(strict.all("status")).toHaveLength(1);
    expect(await presenceStatus(strict.ack.presenceId)).toEqual({ status: "working", status_source: "hook" });
  });

  test("with only a strict session in the cwd, a tokenless hook changes nothing and waits as pending", async () => {
    const cwd = freshCwd();
    await using strict = await agent(suite.broker, 2201, cwd, "strict");
    for (const body of [
      { cwd, pid: 2201, status: "working" },
      { cwd, status: "working" },
    ]) {
      const answer = await hook(suite.broker, body);
      expect({ body, status: answer.status, answer: answer.body }).toEqual({
        body,
        status: 200,
        answer: { ok: true },
      });
    }
    expect(await presenceStatus(strict.ack.presenceId)).toEqual({ status: "idle", status_source: "heartbeat" });

    // The control: the path to this session is live; the tokenless reports never took it.
    const token = String(strict.ack.hookToken);
    const scoped = await hook(suite.broker, { cwd, pid: 2201, status: "working" }, { token });
    expect(scoped.body).toMatchObject({ presence_id: strict.ack.presenceId, status: "working", applied: true });
    expect(await strict.next("status")).toEqual({ type: "status", status: "working", source: "hook" });
    expect(strict.all("status")).toHaveLength(1);
  });
});

describe("what a hook may change", () => {
  test("dnd is untouched by hooks", async () => {
    const cwd = freshCwd();
    await using s = await agent(suite.broker, 1001, cwd);
    s.send({ type: "set_status", status: "dnd" });
    expect(await s.next("status")).toMatchObject({ status: "dnd", source: "manual" });

    for (const status of ["idle", "working"]) {
      const answer = await hook(suite.broker, { cwd, pid: 1001, status });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { ok: true } });
      const scoped = await hook(suite.broker, { cwd, status }, { token: String(s.ack.hookToken) });
      expect(scoped.body).toMatchObject({ status: "dnd", applied: false });
    }
    expect(await presenceStatus(s.ack.presenceId)).toEqual({ status: "dnd", status_source: "manual" });
    // The session itself still says dnd.
    s.send({ type: "heartbeat" });
    expect(await s.next("status")).toMatchObject({ status: "dnd" });
  });

  test("a hook before the session's hello is stored as pending and applied by that hello", async () => {
    const cwd = freshCwd();
    const early = await hook(suite.broker, { cwd, pid: 1101, status: "working" });
    expect({ status: early.status, body: early.body }).toEqual({ status: 200, body: { ok: true } });
    const [row] = await suite.sql`select pid, status, applied_at from mesh.pending_status where cwd = ${cwd}`;
    expect(row).toMatchObject({ pid: 1101, status: "working", applied_at: null });
    expect(await suite.broker.waitForLog((l) => l.msg === "hook" && l.cwd === cwd)).toMatchObject({
      pending: true,
      stored: true,
      presence_id: null,
      pid: 1101,
      status: "working",
    });

    await using s = await agent(suite.broker, 1101, cwd);
    expect(await presenceStatus(s.ack.presenceId)).toEqual({ status: "working", status_source: "hook" });
    const [applied] = await suite.sql`select applied_at from mesh.pending_status where cwd = ${cwd}`;
    expect(applied?.applied_at).not.toBeNull();
  });

  test("a hook setting idle releases a held `next` envelope", async () => {
    const mesh = await createMesh(suite.sql);
    const alice = await addMember(suite.sql, mesh);
    const bob = await addMember(suite.sql, mesh);
    await using a = await session(suite.broker.port, alice, { pid: 1201, cwd: freshCwd() });
    const bobCwd = freshCwd();
    await using b = await session(suite.broker.port, bob, { pid: 1202, cwd: bobCwd });
    const token = String(b.ack.hookToken);

    expect((await hook(suite.broker, { cwd: bobCwd, status: "working" }, { token })).body.status).toBe("working");
    a.send(sendFrameTo(bob, { priority: "next", id: "held-1" }));
    const ack = await a.next("ack");
    expect(ack.id).toBe("held-1");
    // Held while working: a `now` control sent after it arrives, and it does not.
    expect(await pushesUpToControl(a, b, bob)).toEqual([]);

    expect((await hook(suite.broker, { cwd: bobCwd, status: "idle" }, { token })).body.status).toBe("idle");
    const push = await b.next("push");
    expect(push).toMatchObject({ messageId: ack.messageId, priority: "next", senderPubkey: alice.keys.publicKey });
  });
});

describe("what the session hears", () => {
  test("a status a hook changes is pushed to the session as a status frame; one it keeps is not", async () => {
    const mesh = await createMesh(suite.sql);
    const bob = await addMember(suite.sql, mesh);
    const cwd = freshCwd();
    await using b = await session(suite.broker.port, bob, { pid: 1401, cwd });
    const token = String(b.ack.hookToken);

    await hook(suite.broker, { cwd, status: "working" }, { token });
    expect(await b.next("status")).toEqual({ type: "status", status: "working", source: "hook" });
    // The same status again refreshes the source: nothing to announce. The next change is, and is the next frame.
    await hook(suite.broker, { cwd, status: "working" }, { token });
    await hook(suite.broker, { cwd, status: "idle" }, { token });
    expect(await b.next("status")).toEqual({ type: "status", status: "idle", source: "hook" });
    expect(b.all("status")).toHaveLength(2);
    // The session's own request is answered once, with its _reqId, not announced as well.
    b.send({ type: "set_status", status: "dnd", _reqId: "mine" });
    expect(await b.next("status")).toEqual({ type: "status", status: "dnd", source: "manual", _reqId: "mine" });
    b.send({ type: "set_status", status: "idle", _reqId: "again" });
    expect(await b.next("status")).toMatchObject({ status: "idle", _reqId: "again" });
    expect(b.all("status")).toHaveLength(4);
  });
});

describe("refusals", () => {
  test("the (pid, cwd) bucket empties after HOOK_RATE_LIMIT_PER_MIN: 429 with Retry-After, before the database", async () => {
    const cwd = freshCwd();
    const limitedBefore =
      (await metricValue(suite.brokerAt(2).baseUrl, "broker_hook_requests_rate_limited_total")) ?? 0;
    for (let i = 0; i < RATE_PER_MIN; i++) {
      expect((await hook(suite.brokerAt(2), { cwd, pid: 1301, status: "working" })).status).toBe(200);
    }
    const refused = await hook(suite.brokerAt(2), { cwd, pid: 1301, status: "working" });
    expect(refused).toMatchObject({ status: 429, body: { ok: false, error: "rate_limited" } });
    const retryAfter = refused.headers.get("retry-after") ?? "";
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60 / RATE_PER_MIN);
    expect(await metricValue(suite.brokerAt(2).baseUrl, "broker_hook_requests_rate_limited_total")).toBe(
      limitedBefore + 1,
    );
    // The refused hook stored nothing (the accepted ones left one row: a re-post replaces its pending status).
    const [pending] =
      await suite.sql`select status, count(*) over ()::int as n from mesh.pending_status where cwd = ${cwd}`;
    expect(pending).toEqual({ status: "working", n: 1 });

    // Other keys have buckets of their own: another cwd, another pid, no pid.
    expect((await hook(suite.brokerAt(2), { cwd: freshCwd(), pid: 1301, status: "working" })).status).toBe(200);
    expect((await hook(suite.brokerAt(2), { cwd, pid: 1302, status: "working" })).status).toBe(200);
    expect((await hook(suite.brokerAt(2), { cwd, status: "working" })).status).toBe(200);
    expect(await metricValue(suite.brokerAt(2).baseUrl, "broker_hook_requests_rate_limited_total")).toBe(
      limitedBefore + 1,
    );
  });

  test("bad bodies get 413 or 400 with a stable code, and every request is counted", async () => {
    const cwd = freshCwd();
    const received = (await metricValue(suite.broker.baseUrl, "broker_hook_requests_total")) ?? 0;
    const timed = (await metricValue(suite.broker.baseUrl, "broker_hook_duration_seconds_count")) ?? 0;
    const cases: [unknown, number, string][] = [
      [{ cwd: "a".repeat(MAX_BYTES + 1), status: "idle" }, 413, "payload_too_large"],
      ["{", 400, "bad_json"],
      ["", 400, "bad_json"],
      [{ status: "idle" }, 400, "bad_request"],
      [{ cwd, status: "dnd" }, 400, "bad_request"],
      [{ cwd, status: "busy" }, 400, "bad_request"],
      [{ cwd, pid: -1, status: "idle" }, 400, "bad_request"],
      [{ cwd, pid: 1.5, status: "idle" }, 400, "bad_request"],
      [{ cwd: "", status: "idle" }, 400, "bad_request"],
      [[cwd, "idle"], 400, "bad_request"],
      ["null", 400, "bad_request"],
    ];
    for (const [body, status, error] of cases) {
      const answer = await hook(suite.broker, body, {});
      expect({ body, status: answer.status, answer: answer.body }).toEqual({
        body,
        status,
        answer: { ok: false, error, message: expect.any(String) },
      });
    }
    expect(await metricValue(suite.broker.baseUrl, "broker_hook_requests_total")).toBe(received + cases.length);
    expect(await metricValue(suite.broker.baseUrl, "broker_hook_duration_seconds_count")).toBe(timed + cases.length);
    // Still answering normally afterwards.
    expect((await hook(suite.broker, { cwd, status: "idle" })).body).toEqual({ ok: true });
    expect(await metricValue(suite.broker.baseUrl, "broker_hook_requests_total")).toBe(received + cases.length + 1);
  });

  test("503 db_unavailable while the broker cannot reach Postgres", async () => {
    // A database of its own, dropped under a running broker.
    const doomed = await createTestDatabase();
    const lonely = await startBrokerProcess({ DATABASE_URL: doomed.url, DB_PING_INTERVAL_MS: "200" });
    try {
      expect((await hook(lonely, { cwd: freshCwd(), status: "idle" })).body).toEqual({ ok: true });
      await doomed.drop();
      await lonely.waitForLog("db ping failed", 15_000);
      const answer = await hook(lonely, { cwd: freshCwd(), status: "idle" });
      expect(answer).toMatchObject({ status: 503, body: { ok: false, error: "db_unavailable" } });
    } finally {
      await lonely.stop();
      await doomed.drop();
    }
  });
});
