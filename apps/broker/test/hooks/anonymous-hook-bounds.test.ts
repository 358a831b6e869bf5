import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { ClientProfile } from "@mesh/shared";
import type { BrokerProcess } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { sendFrameTo, session } from "../helpers/ws-client.ts";
import { postHook } from "./post-hook.ts";

/*
 * The bounds on tokenless hooks (docs/protocol.md#hook-endpoint): a budget
 * per client address whatever (pid, cwd) each request names, a cap on the
 * statuses waiting for a hello with one row per (pid, cwd), and no way to
 * hold a session `working` past STATUS_TTL_SECONDS by re-posting it.
 */

const PER_ADDRESS_PER_MIN = 4;
const MAX_PENDING = 3;
const TTL_SECONDS = 2;
const suite = useBrokerSuite(
  { HOOK_RATE_LIMIT_PER_ADDRESS_PER_MIN: String(PER_ADDRESS_PER_MIN) },
  { MAX_PENDING_STATUSES: String(MAX_PENDING) },
  { STATUS_TTL_SECONDS: String(TTL_SECONDS) },
);
const byAddress = () => suite.brokerAt(0);
const capped = () => suite.brokerAt(1);
const shortTtl = () => suite.brokerAt(2);
/** The default caps: the other tests' pending rows, in the same database, do not fill them. */
const uncapped = shortTtl;

const freshCwd = () => `/srv/hook-bounds/${randomUUID()}`;

async function meshOf(profile: ClientProfile) {
  return createMesh(suite.sql, "hook bounds mesh", { profile });
}

async function agent(target: BrokerProcess, pid: number, cwd: string, profile: ClientProfile = "claudemesh") {
  return session(target.port, await addMember(suite.sql, await meshOf(profile)), { pid, cwd });
}

async function presenceStatus(presenceId: unknown): Promise<string | undefined> {
  const [row] = await suite.sql<{ status: string; status_source: string }[]>`
    select status, status_source from mesh.presence where id = ${String(presenceId)}`;
  return row ? `${row.status} (${row.status_source})` : undefined;
}

async function openPending(cwds: string[]): Promise<{ cwd: string; pid: number | null; status: string }[]> {
  return suite.sql<{ cwd: string; pid: number | null; status: string }[]>`
    select cwd, pid, status from mesh.pending_status
    where applied_at is null and cwd = any(${cwds}::text[]) order by id`;
}

describe("per client address", () => {
  test("tokenless hooks with a fresh (pid, cwd) each get 429 past HOOK_RATE_LIMIT_PER_ADDRESS_PER_MIN; token hooks do not count", async () => {
    const limitedBefore = (await metricValue(byAddress().baseUrl, "broker_hook_requests_rate_limited_total")) ?? 0;
    const cwds = Array.from({ length: PER_ADDRESS_PER_MIN + 1 }, freshCwd);
    for (const [i, cwd] of cwds.slice(0, PER_ADDRESS_PER_MIN).entries()) {
      expect((await postHook(byAddress(), { cwd, pid: 4100 + i, status: "working" })).status).toBe(200);
    }
    const refused = await postHook(byAddress(), { cwd: cwds[PER_ADDRESS_PER_MIN], pid: 4199, status: "working" });
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 429,
      body: { ok: false, error: "rate_limited", message: expect.any(String) },
    });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60 / PER_ADDRESS_PER_MIN);
    expect(await metricValue(byAddress().baseUrl, "broker_hook_requests_rate_limited_total")).toBe(limitedBefore + 1);
    // The refused hook stored nothing.
    expect((await openPending(cwds)).map((p) => p.cwd)).toEqual(cwds.slice(0, PER_ADDRESS_PER_MIN));

    // A session's own token is not an anonymous hook: it still reaches its session from this address.
    const cwd = freshCwd();
    await using s = await agent(byAddress(), 4201, cwd, "strict");
    const scoped = await postHook(byAddress(), { cwd, status: "working" }, { token: String(s.ack.hookToken) });
    expect(scoped).toMatchObject({ status: 200, body: { presence_id: s.ack.presenceId, status: "working" } });
    expect(await presenceStatus(s.ack.presenceId)).toBe("working (hook)");
  });
});

describe("pending statuses", () => {
  test("a re-post for the same (pid, cwd) replaces its pending row; another pid has its own", async () => {
    const cwd = freshCwd();
    for (const status of ["working", "working", "idle"]) {
      expect((await postHook(uncapped(), { cwd, pid: 4301, status })).body).toEqual({ ok: true });
    }
    expect((await postHook(uncapped(), { cwd, status: "working" })).body).toEqual({ ok: true });
    expect((await postHook(uncapped(), { cwd, status: "idle" })).body).toEqual({ ok: true });
    expect(await openPending([cwd])).toEqual([
      { cwd, pid: 4301, status: "idle" },
      { cwd, pid: null, status: "idle" },
    ]);
    await suite.sql`delete from mesh.pending_status where cwd = ${cwd}`;
  });

  test("past MAX_PENDING_STATUSES a tokenless hook that matches no session stores nothing and is told {ok:true}", async () => {
    // Rows other tests of this file left in the window would count: this test starts from none.
    await suite.sql`delete from mesh.pending_status`;
    const cwds = Array.from({ length: MAX_PENDING + 2 }, freshCwd);
    for (const [i, cwd] of cwds.entries()) {
      const answer = await postHook(capped(), { cwd, pid: 4400 + i, status: "working" });
      expect({ cwd, status: answer.status, body: answer.body }).toEqual({ cwd, status: 200, body: { ok: true } });
    }
    expect((await openPending(cwds)).map((p) => p.cwd)).toEqual(cwds.slice(0, MAX_PENDING));
    // A re-post of a stored (pid, cwd) still replaces its row at the cap.
    await postHook(capped(), { cwd: cwds[0], pid: 4400, status: "idle" });
    expect(await openPending(cwds)).toHaveLength(MAX_PENDING);
    expect((await openPending([String(cwds[0])]))[0]?.status).toBe("idle");

    // At the cap, a hook that finds its session still reaches it, and is told the same.
    const liveCwd = freshCwd();
    await using live = await agent(capped(), 4501, liveCwd);
    expect((await postHook(capped(), { cwd: liveCwd, pid: 4501, status: "working" })).body).toEqual({ ok: true });
    expect(await live.next("status")).toMatchObject({ status: "working", source: "hook" });

    // The stored one (working, posted second) starts its session working; the dropped one leaves its session idle.
    await using stored = await agent(capped(), 4401, String(cwds[1]));
    expect(await presenceStatus(stored.ack.presenceId)).toBe("working (hook)");
    await using dropped = await agent(capped(), 4400 + MAX_PENDING, String(cwds[MAX_PENDING]));
    expect(await presenceStatus(dropped.ack.presenceId)).toBe("idle (heartbeat)");
    await suite.sql`delete from mesh.pending_status`;
  });
});

describe("the status TTL", () => {
  test("re-posting working without a token does not hold a session's next envelopes past STATUS_TTL_SECONDS", async () => {
    const mesh = await meshOf("claudemesh");
    const [alice, bob] = await Promise.all([addMember(suite.sql, mesh), addMember(suite.sql, mesh)]);
    const cwd = freshCwd();
    await using a = await session(shortTtl().port, alice, { pid: 4601, cwd: freshCwd() });
    await using b = await session(shortTtl().port, bob, { pid: 4602, cwd });

    expect((await postHook(shortTtl(), { cwd, pid: 4602, status: "working" })).status).toBe(200);
    expect(await b.next("status")).toMatchObject({ status: "working", source: "hook" });
    a.send(sendFrameTo(bob, { priority: "next", id: "held-past-ttl" }));
    const ack = await a.next("ack");
    const sentAt = Date.now();

    // The attacker's loop: `working` every 400 ms, well inside the TTL, until the envelope gets through.
    let reposting = true;
    const loop = (async () => {
      while (reposting) {
        await postHook(shortTtl(), { cwd, pid: 4602, status: "working" });
        await Bun.sleep(400);
      }
    })();
    try {
      const push = await b.next("push", (f) => f.messageId === ack.messageId, 8 * TTL_SECONDS * 1000);
      expect(push.priority).toBe("next");
    } finally {
      reposting = false;
      await loop;
    }
    expect(Date.now() - sentAt).toBeLessThan(8 * TTL_SECONDS * 1000);
    // The TTL sweep flipped it; the re-posts then set working again.
    expect(
      b
        .all("status")
        .slice(0, 2)
        .map((f) => `${f.status} (${f.source})`),
    ).toEqual(["working (hook)", "idle (heartbeat)"]);
  });

  test("re-posting working with the session's token still renews it (the status model's rule 3)", async () => {
    const cwd = freshCwd();
    await using s = await agent(shortTtl(), 4701, cwd, "strict");
    const token = String(s.ack.hookToken);
    const until = Date.now() + 2 * TTL_SECONDS * 1000;
    while (Date.now() < until) {
      expect((await postHook(shortTtl(), { cwd, status: "working" }, { token })).body.status).toBe("working");
      await Bun.sleep(300);
    }
    // Two TTLs later it was never flipped: the only status frame is the first change.
    expect(await presenceStatus(s.ack.presenceId)).toBe("working (hook)");
    expect(s.all("status").map((f) => `${f.status} (${f.source})`)).toEqual(["working (hook)"]);
  });
});
