import { describe, expect, test } from "bun:test";
import { spawnBroker } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { connect, type Frame, session, socketGroup, type TestSocket, taggedSendTo } from "../helpers/ws-client.ts";
import { postHook } from "../hooks/post-hook.ts";
import { OPERATOR_TOKEN, viewEnv } from "./operator-token.ts";

// Broker 0 serves the view; broker 1, on the same database, leaves it off.
const suite = useBrokerSuite(viewEnv(), {});

/** A viewer socket that sent `token` and got its snapshot. */
async function viewer(port: number, token = OPERATOR_TOKEN): Promise<TestSocket & { snapshot: Frame }> {
  const socket = await connect(port, "/view/ws");
  socket.send({ type: "auth", token });
  const snapshot = await socket.next("snapshot");
  return Object.assign(socket, { snapshot });
}

/** The rows of one collection in a snapshot frame. */
function rows(frame: Frame, collection: string): Record<string, Record<string, unknown>> {
  const state = frame.state as Record<string, Record<string, Record<string, unknown>>>;
  return state[collection] ?? {};
}

describe("the live view, off", () => {
  test("without VIEW_ENABLED its paths answer 404 like any unknown path", async () => {
    const off = suite.brokerAt(1);
    for (const path of ["/view", "/view/app.js", "/view/state", "/view/ws"]) {
      const res = await fetch(`${off.baseUrl}${path}`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
      expect({ path, status: res.status, body: await res.json() }).toMatchObject({
        path,
        status: 404,
        body: { ok: false, error: "not_found" },
      });
    }
  });

  test("VIEW_ENABLED without ADMIN_TOKEN_SHA256: the broker refuses to start and says why", async () => {
    const broker = await spawnBroker({ DATABASE_URL: suite.database.url, VIEW_ENABLED: "true" });
    expect(await broker.process.exited).toBe(1);
    const line = await broker.waitForLog((l) => l.level === "fatal" || l.level === 60);
    expect(line).toMatchObject({ variable: "VIEW_ENABLED" });
    expect(JSON.stringify(line)).toContain("ADMIN_TOKEN_SHA256");
    await broker.stop();
  });
});

describe("the live view, on", () => {
  test("the page is served to anyone and carries no data; its script and style come from the same origin", async () => {
    const base = suite.broker.baseUrl;
    const page = await fetch(`${base}/view`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('src="/view/app.js"');
    expect(html).not.toContain(await suite.broker.instanceId());
    const script = await fetch(`${base}/view/app.js`);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect((await script.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${base}/view/app.css`)).status).toBe(200);
  });

  test("GET /view/state needs the operator token: none or a wrong one is 401", async () => {
    const url = `${suite.broker.baseUrl}/view/state`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: "unauthorized" });
    expect((await fetch(url, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Basic ${OPERATOR_TOKEN}` } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { state: { health: { instanceId: string; db: string; stale: boolean } } };
    expect(body.state.health).toEqual({ instanceId: await suite.broker.instanceId(), db: "up", stale: false });
  });

  test("a socket whose first frame has a wrong token, or is not an auth frame, is refused and closed", async () => {
    await using wrong = await connect(suite.broker.port, "/view/ws");
    wrong.send({ type: "auth", token: "not-the-token" });
    expect(await wrong.next("error")).toMatchObject({ code: "unauthorized" });
    expect(await wrong.closed).toEqual({ code: 1008, reason: "unauthorized" });
    expect(wrong.all("snapshot")).toEqual([]);

    await using hello = await connect(suite.broker.port, "/view/ws");
    hello.send({ type: "hello", token: OPERATOR_TOKEN });
    expect(await hello.next("error")).toMatchObject({ code: "malformed" });
    expect(await hello.closed).toEqual({ code: 1008, reason: "malformed" });

    await using big = await connect(suite.broker.port, "/view/ws");
    big.send({ type: "auth", token: OPERATOR_TOKEN, padding: "x".repeat(2000) });
    expect((await big.closed).code).toBe(1009);
    expect(big.all("snapshot")).toEqual([]);
  });

  test("a socket that sends no auth frame is closed after 10 s", async () => {
    await using silent = await connect(suite.broker.port, "/view/ws");
    const opened = Date.now();
    expect(await silent.next("error", undefined, 20_000)).toMatchObject({ code: "auth_timeout" });
    expect(await silent.closed).toEqual({ code: 1008, reason: "auth_timeout" });
    expect(Date.now() - opened).toBeGreaterThanOrEqual(9_000);
    expect(silent.all("snapshot")).toEqual([]);
  }, 30_000);

  test("an authenticated viewer that sends anything more is closed", async () => {
    await using v = await viewer(suite.broker.port);
    v.send({ type: "auth", token: OPERATOR_TOKEN });
    expect(await v.closed).toEqual({ code: 1008, reason: "unexpected_frame" });
  });

  test("the snapshot shows meshes, live sessions with status and source, backlog and instances; never a ciphertext", async () => {
    const mesh = await createMesh(suite.sql, "snapshot mesh");
    const [alice, bob, carol] = await Promise.all(
      ["alice", "bob", "carol"].map((name) => addMember(suite.sql, mesh, { displayName: `${name}-${mesh.slug}` })),
    );
    if (!alice || !bob || !carol) throw new Error("members missing");
    await using a = await session(suite.brokerAt(1).port, alice);
    await using b = await session(suite.broker.port, bob);
    // Two envelopes wait for carol, who is not connected; their text must never reach a viewer.
    const secret = "ciphertext-never-shown";
    for (const n of [1, 2]) {
      a.send(taggedSendTo(carol, `${secret}-${n}`, { id: `s${n}` }));
      await a.next("ack", (f) => f.id === `s${n}`);
    }
    const hook = await postHook(
      suite.broker,
      { cwd: "/elsewhere", status: "working" },
      { token: String(b.ack.hookToken) },
    );
    expect(hook.status).toBe(200);

    await using v = await viewer(suite.broker.port);
    const instances = rows(v.snapshot, "instances");
    expect(Object.keys(instances).sort()).toEqual(
      [await suite.broker.instanceId(), await suite.brokerAt(1).instanceId()].sort(),
    );
    expect(rows(v.snapshot, "meshes")[mesh.id]).toEqual({
      id: mesh.id,
      name: "snapshot mesh",
      slug: mesh.slug,
      members: 3,
    });
    const sessions = rows(v.snapshot, "sessions");
    expect(sessions[String(a.ack.presenceId)]).toMatchObject({
      meshId: mesh.id,
      memberId: alice.id,
      name: alice.displayName,
      status: "idle",
      source: "heartbeat",
      instanceId: await suite.brokerAt(1).instanceId(),
    });
    expect(sessions[String(b.ack.presenceId)]).toMatchObject({
      name: bob.displayName,
      status: "working",
      source: "hook",
      instanceId: await suite.broker.instanceId(),
    });
    expect(rows(v.snapshot, "backlog")[carol.id]).toMatchObject({
      meshId: mesh.id,
      name: carol.displayName,
      undelivered: 2,
    });

    // A change pushes a diff of what changed: bob's session, not the whole state.
    await postHook(suite.broker, { cwd: "/elsewhere", status: "idle" }, { token: String(b.ack.hookToken) });
    const diff = await v.next("diff", (f) => JSON.stringify(f).includes(String(b.ack.presenceId)));
    const changed = (diff.diff as { set?: { sessions?: Record<string, { status: string }> } }).set?.sessions;
    expect(changed?.[String(b.ack.presenceId)]?.status).toBe("idle");
    expect(Object.keys(changed ?? {})).not.toContain(String(a.ack.presenceId));

    // A session closing anywhere leaves the view: here at once, on the other instance at the next refresh.
    await b.close();
    await v.next("diff", (f) =>
      JSON.stringify((f.diff as { remove?: unknown }).remove ?? "").includes(String(b.ack.presenceId)),
    );
    await a.close();
    await v.next("diff", (f) =>
      JSON.stringify((f.diff as { remove?: unknown }).remove ?? "").includes(String(a.ack.presenceId)),
    );

    const everything = JSON.stringify(v.frames);
    for (const n of [1, 2]) {
      expect(everything).not.toContain(Buffer.from(`${secret}-${n}`).toString("base64"));
    }
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(String(b.ack.hookToken));
    expect(everything).not.toContain("/home/agent");
  });

  test("viewers per instance are bounded: past 16 open sockets an upgrade gets 503 capacity", async () => {
    await using viewers = socketGroup(
      await Promise.all(Array.from({ length: 16 }, () => connect(suite.broker.port, "/view/ws"))),
    );
    const refused = await fetch(`${suite.broker.baseUrl}/view/ws`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: "capacity" });
    const extra = new WebSocket(`ws://127.0.0.1:${suite.broker.port}/view/ws`);
    const outcome = await new Promise<string>((resolve) => {
      extra.onopen = () => resolve("open");
      extra.onerror = () => resolve("refused");
    });
    extra.close();
    expect(outcome).toBe("refused");
    // One leaves: a viewer gets in again.
    await viewers[0]?.close();
    await using again = await viewer(suite.broker.port);
    expect(again.snapshot.type).toBe("snapshot");
  });
});
