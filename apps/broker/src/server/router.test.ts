import { describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { createLogger } from "../lib/logger.ts";
import type { SocketData } from "../sessions/session.ts";
import { BrokerError } from "./broker-error.ts";
import { createRouter } from "./router.ts";

// The router never touches the server object for these routes.
const server = {} as Server<SocketData>;
const log = createLogger("silent");
const route = createRouter(
  {
    "/ok": { GET: () => new Response("fine"), POST: () => new Response("posted") },
    "/teapot": {
      GET: () => {
        throw new BrokerError("teapot", 418, "short and stout");
      },
    },
    "/broken": {
      GET: () => {
        throw new Error("secret detail");
      },
    },
  },
  log,
);

const call = async (method: string, path: string) => {
  const res = await route(new Request(`http://broker${path}`, { method }), server);
  if (!res) throw new Error("expected a response");
  return res;
};

describe("createRouter", () => {
  test("dispatches by path and method", async () => {
    expect(await (await call("GET", "/ok")).text()).toBe("fine");
    expect(await (await call("POST", "/ok?x=1")).text()).toBe("posted");
  });

  test("unknown path → 404 JSON; wrong method → 405 JSON with Allow", async () => {
    const missing = await call("GET", "/missing");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, error: "not_found" });
    const wrong = await call("DELETE", "/ok");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    expect(await wrong.json()).toMatchObject({ ok: false, error: "method_not_allowed" });
  });

  test("a BrokerError keeps its code and status; anything else is a 500 that reveals nothing", async () => {
    const teapot = await call("GET", "/teapot");
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ ok: false, error: "teapot", message: "short and stout" });
    const broken = await call("GET", "/broken");
    expect(broken.status).toBe(500);
    const body = await broken.text();
    expect(body).not.toContain("secret detail");
    expect(JSON.parse(body)).toMatchObject({ ok: false, error: "internal" });
  });
});
