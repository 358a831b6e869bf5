import { expect, test } from "bun:test";
import { createDbClient } from "@mesh/db";
import { type BrokerProcess, eventually } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createInvite, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { connect, helloFor, sendFrameTo, session, type TestSocket, taggedSendTo } from "../helpers/ws-client.ts";
import { joinBody, postJoin } from "../membership/join-request.ts";

/*
 * Postgres answers but refuses every write: a standby after a failover, or
 * default_transaction_read_only. Made here per database, which works on the
 * embedded cluster and on an external server alike: ALTER DATABASE sets the
 * default for new sessions, and terminating the brokers' backends makes them
 * open new ones (a failover does the same). The fixture client is left alone.
 */
const suite = useBrokerSuite(
  // Notices within a couple of pings.
  { DB_PING_INTERVAL_MS: "300" },
  // Never pings during the test: its writes race the ping and reach the read-only server.
  { DB_PING_INTERVAL_MS: "600000" },
);

/** Switches the test database read-only (or back) and drops the brokers' connections so they reconnect under it. */
async function setReadOnly(on: boolean): Promise<void> {
  const admin = createDbClient(suite.database.url, { max: 1, applicationName: "read-only-switch" });
  try {
    // Read write explicitly: a new session would otherwise start read-only once the switch is on.
    await admin.sql.begin("read write", (tx) =>
      tx.unsafe(
        on
          ? `alter database "${suite.database.name}" set default_transaction_read_only = on`
          : `alter database "${suite.database.name}" reset default_transaction_read_only`,
      ),
    );
    await admin.sql`select pg_terminate_backend(pid) from pg_stat_activity
                    where datname = current_database() and application_name like 'mesh-broker%'`;
  } finally {
    await admin.close(1);
  }
}

async function health(broker: BrokerProcess): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${broker.baseUrl}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postHook(broker: BrokerProcess, token: unknown): Promise<{ status: number; error: unknown }> {
  const res = await fetch(`${broker.baseUrl}/hook/set-status`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${String(token)}` },
    body: JSON.stringify({ cwd: "/srv/read-only", status: "working" }),
  });
  return { status: res.status, error: ((await res.json()) as Record<string, unknown>).error };
}

/** Sends to `to` until one send is acknowledged (the first after a reconnect may meet a connection just dropped). */
async function sendUntilAcked(from: TestSocket, to: TestMember, tag: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const id = `${tag}-${attempt}`;
    from.send(taggedSendTo(to, tag, { id }));
    const answer = await from.next(undefined, (f) => f.id === id);
    if (answer.type === "ack") return;
    expect(answer).toMatchObject({ type: "error", code: "db_unavailable" });
    await Bun.sleep(200);
  }
  throw new Error(`no send of ${tag} acknowledged within 20 s`);
}

test("a read-only database: /health 503 read_only, sends db_unavailable, hooks and joins 503, sessions stay open; all recovers when it takes writes again", async () => {
  const broker = suite.brokerAt(0);
  const mesh = await createMesh(suite.sql);
  const [alice, bob] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  const invite = await createInvite(suite.sql, mesh);
  await using a = await session(broker.port, alice);
  await using b = await session(broker.port, bob);
  await sendUntilAcked(a, bob, "before");
  expect((await b.next("push")).ciphertext).toBe(Buffer.from("before").toString("base64"));

  await setReadOnly(true);
  try {
    // Terminating its backends may first show as `down` (the ping's connection was cut) before the new
    // connection finds the database read-only.
    expect(await eventually(async () => (await health(broker)).body.db === "read_only", 15_000)).toBe(true);
    expect(await health(broker)).toMatchObject({ status: 503, body: { status: "degraded", db: "read_only" } });
    expect(await metricValue(broker.baseUrl, "broker_db_healthy")).toBe(0);
    await broker.waitForLog("db read-only: refusing sends, hooks and joins", 15_000);

    a.send(sendFrameTo(bob, { id: "while-read-only" }));
    expect(await a.next(undefined, (f) => f.id === "while-read-only")).toMatchObject({
      type: "error",
      code: "db_unavailable",
    });
    expect(await postHook(broker, a.ack.hookToken)).toEqual({ status: 503, error: "db_unavailable" });
    const joined = await postJoin(broker.baseUrl, JSON.stringify(joinBody(invite)));
    expect({ status: joined.status, error: joined.body.error }).toEqual({ status: 503, error: "db_unavailable" });
    expect([a.ws.readyState, b.ws.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
  } finally {
    await setReadOnly(false);
  }

  expect(await eventually(async () => (await health(broker)).status === 200, 15_000)).toBe(true);
  expect((await health(broker)).body).toMatchObject({ status: "ok", db: "up" });
  expect(await metricValue(broker.baseUrl, "broker_db_healthy")).toBe(1);
  // The same sessions, never closed: no client had to reconnect.
  await sendUntilAcked(a, bob, "after");
  expect((await b.next("push")).ciphertext).toBe(Buffer.from("after").toString("base64"));
  expect(await postHook(broker, a.ack.hookToken)).toEqual({ status: 200, error: undefined });
  expect([a.ws.readyState, b.ws.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
  expect(a.frames.filter((f) => f.type === "error" && f.code !== "db_unavailable")).toEqual([]);
});

test("a write that reaches the read-only server before the ping noticed gets db_unavailable (a hook 503, a hello 1011), never internal", async () => {
  const racer = suite.brokerAt(1);
  const mesh = await createMesh(suite.sql);
  const [carol, dave] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
  await using c = await session(racer.port, carol);
  await sendUntilAcked(c, dave, "before");

  await setReadOnly(true);
  try {
    // The racer has not pinged: it still believes Postgres healthy, so every write below reaches it.
    expect((await health(racer)).status).toBe(200);
    // The first write may meet the connection just terminated; the next ones meet the read-only session.
    for (const id of ["race-1", "race-2", "race-3"]) {
      c.send(sendFrameTo(dave, { id }));
      expect(await c.next(undefined, (f) => f.id === id)).toMatchObject({ type: "error", code: "db_unavailable" });
    }
    expect(await postHook(racer, c.ack.hookToken)).toEqual({ status: 503, error: "db_unavailable" });
    await using d = await connect(racer.port);
    d.send(helloFor(dave));
    expect(await d.next("error")).toMatchObject({ code: "db_unavailable" });
    expect(await d.closed).toMatchObject({ code: 1011, reason: "db_unavailable" });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  } finally {
    await setReadOnly(false);
  }

  await sendUntilAcked(c, dave, "after");
  expect(c.ws.readyState).toBe(WebSocket.OPEN);
  expect(racer.logs.filter((l) => l.msg === "frame failed" || l.msg === "unhandled request error")).toEqual([]);
});
