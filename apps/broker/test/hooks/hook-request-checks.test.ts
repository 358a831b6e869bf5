import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { ClientProfile } from "@mesh/shared";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { session } from "../helpers/ws-client.ts";
import { postHook } from "./post-hook.ts";

/*
 * What a hook request must look like before the broker looks at its body
 * (docs/protocol.md#hook-endpoint): JSON by its Content-Type, and never from
 * a browser (no Origin); and what a tokenless one is told: nothing.
 */

const suite = useBrokerSuite({});

const freshCwd = () => `/srv/hook-checks/${randomUUID()}`;

async function agent(pid: number, cwd: string, profile: ClientProfile = "claudemesh") {
  const mesh = await createMesh(suite.sql, "hook checks mesh", { profile });
  return session(suite.broker.port, await addMember(suite.sql, mesh), { pid, cwd });
}

async function presenceStatus(presenceId: unknown): Promise<string | undefined> {
  const [row] = await suite.sql<{ status: string; status_source: string }[]>`
    select status, status_source from mesh.presence where id = ${String(presenceId)}`;
  return row ? `${row.status} (${row.status_source})` : undefined;
}

describe("browsers", () => {
  test("a request with an Origin header is refused with 403 origin_refused, with or without a token; nothing changes", async () => {
    const cwd = freshCwd();
    await using s = await agent(3101, cwd);
    const token = String(s.ack.hookToken);
    for (const origin of ["http://evil.example", "null", `${suite.broker.baseUrl}`]) {
      for (const options of [{}, { token }]) {
        const answer = await postHook(
          suite.broker,
          { cwd, pid: 3101, status: "working" },
          {
            ...options,
            headers: { origin },
          },
        );
        expect({ origin, options, status: answer.status, body: answer.body }).toEqual({
          origin,
          options,
          status: 403,
          body: { ok: false, error: "origin_refused", message: expect.any(String) },
        });
      }
    }
    expect(await presenceStatus(s.ack.presenceId)).toBe("idle (heartbeat)");
    const [pending] = await suite.sql`select count(*)::int as n from mesh.pending_status where cwd = ${cwd}`;
    expect(pending?.n).toBe(0);

    // The control: the same hook without Origin reaches the session.
    expect((await postHook(suite.broker, { cwd, pid: 3101, status: "working" })).status).toBe(200);
    expect(await s.next("status")).toMatchObject({ status: "working", source: "hook" });
  });
});

describe("content types", () => {
  test("a body not declared application/json gets 415 unsupported_media_type before it is read", async () => {
    const cwd = freshCwd();
    await using s = await agent(3201, cwd);
    const token = String(s.ack.hookToken);
    const refused: (string | null)[] = [
      null,
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json-patch+json",
      "application/jsonx",
      "",
    ];
    for (const contentType of refused) {
      for (const options of [{}, { token }]) {
        const answer = await postHook(
          suite.broker,
          { cwd, pid: 3201, status: "working" },
          {
            ...options,
            headers: { "content-type": contentType },
          },
        );
        expect({ contentType, options, status: answer.status, body: answer.body }).toEqual({
          contentType,
          options,
          status: 415,
          body: { ok: false, error: "unsupported_media_type", message: expect.any(String) },
        });
      }
    }
    expect(await presenceStatus(s.ack.presenceId)).toBe("idle (heartbeat)");

    // JSON with parameters, in any case, is accepted (the control: each one changes the status).
    const accepted = ["application/json; charset=utf-8", "Application/JSON", " application/json ;charset=utf-8"];
    for (const [i, contentType] of accepted.entries()) {
      const status = i % 2 === 0 ? "working" : "idle";
      const answer = await postHook(
        suite.broker,
        { cwd, pid: 3201, status },
        { headers: { "content-type": contentType } },
      );
      expect({ contentType, status: answer.status }).toEqual({ contentType, status: 200 });
      expect(await s.next("status")).toMatchObject({ status, source: "hook" });
    }
  });
});

describe("what a tokenless hook is told", () => {
  test("always exactly {ok:true}: a session found, a report the status model kept, a pending status, a strict session", async () => {
    const cwd = freshCwd();
    await using s = await agent(3301, cwd);
    const strictCwd = freshCwd();
    await using strict = await agent(3302, strictCwd, "strict");

    const answers = [
      await postHook(suite.broker, { cwd, pid: 3301, status: "working" }), // found, applied
      await postHook(suite.broker, { cwd, pid: 999_999, status: "working" }), // found by cwd, refreshed
      await postHook(suite.broker, { cwd: freshCwd(), pid: 3301, status: "working" }), // no session: pending
      await postHook(suite.broker, { cwd: strictCwd, pid: 3302, status: "working" }), // strict: never reached
    ];
    s.send({ type: "set_status", status: "dnd", _reqId: "dnd" });
    await s.next("status", (f) => f._reqId === "dnd");
    answers.push(await postHook(suite.broker, { cwd, status: "idle" })); // found, kept (dnd)

    for (const answer of answers)
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { ok: true } });
    expect(await presenceStatus(s.ack.presenceId)).toBe("dnd (manual)");
    expect(await presenceStatus(strict.ack.presenceId)).toBe("idle (heartbeat)");

    // A hook with the session's own token keeps its detail.
    const scoped = await postHook(suite.broker, { cwd, status: "working" }, { token: String(s.ack.hookToken) });
    expect(scoped.body).toEqual({ ok: true, presence_id: s.ack.presenceId, status: "dnd", applied: false });
    // The broker's own log still names what the tokenless hooks reached.
    const line = await suite.broker.waitForLog((l) => l.msg === "hook" && l.cwd === cwd && l.scoped === false);
    expect(line).toMatchObject({ presence_id: s.ack.presenceId, pending: false, applied: true });
  });
});
