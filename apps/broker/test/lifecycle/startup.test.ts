import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "@mesh/db/testing";
import {
  type BrokerProcess,
  killLeftoverBrokers,
  runningBrokers,
  startBrokerProcess,
} from "../helpers/broker-process.ts";

const TEN_SERIES = [
  "broker_connections_active",
  "broker_connections_total",
  "broker_connections_rejected_total",
  "broker_messages_routed_total",
  "broker_messages_rejected_total",
  "broker_queue_depth",
  "broker_ttl_sweeps_total",
  "broker_hook_requests_total",
  "broker_hook_requests_rate_limited_total",
  "broker_db_healthy",
];

let database: TestDatabase;
let broker: BrokerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  broker = await startBrokerProcess({ DATABASE_URL: database.url, GIT_SHA: "abc1234" });
});

afterAll(async () => {
  // The last test stops the broker; anything still running here leaked.
  const leaked = runningBrokers();
  await killLeftoverBrokers();
  await database.drop();
  expect(leaked).toBe(0);
});

describe("a running broker", () => {
  test("/health answers 200 with the documented fields", async () => {
    const res = await fetch(`${broker.baseUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ status: "ok", db: "up", version: "0.1.0", gitSha: "abc1234", uptime: expect.any(Number) });
  });

  test("/metrics lists all ten series, with the database healthy", async () => {
    const res = await fetch(`${broker.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    for (const name of TEN_SERIES) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toMatch(/^broker_db_healthy 1$/m);
    expect(text).toMatch(/^broker_connections_active 0$/m);
    expect(text).toContain("process_cpu_seconds_total");
  });

  test("an unknown path is a JSON 404, a wrong method a JSON 405 with Allow", async () => {
    const missing = await fetch(`${broker.baseUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, error: "not_found" });

    const wrong = await fetch(`${broker.baseUrl}/health`, { method: "POST" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(await wrong.json()).toMatchObject({ ok: false, error: "method_not_allowed" });
  });

  test("/ws upgrades a WebSocket and refuses a plain GET with 426", async () => {
    const plain = await fetch(`${broker.baseUrl}/ws`);
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ ok: false, error: "upgrade_required" });

    const ws = new WebSocket(`ws://127.0.0.1:${broker.port}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("websocket did not open"));
    });
    const closed = new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
    });
    ws.close(1000);
    await closed;
  });

  test("SIGTERM shuts down in order and exits 0 within 10 s", async () => {
    const started = performance.now();
    const code = await broker.stop("SIGTERM");
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Read up to the last line the process wrote before trusting the order.
    await broker.waitForLog("shutdown complete");
    const messages = broker.logs.map((l) => l.msg);
    expect(messages).toContain("shutdown signal");
    expect(messages.at(-1)).toBe("shutdown complete");
  });
});
