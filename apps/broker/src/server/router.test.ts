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

describe("createRouter with patterns", () => {
  const echo = (req: Request, _server: Server<SocketData>, _log: unknown, params: Record<string, string>) =>
    new Response(JSON.stringify({ method: req.method, params }));
  const patterned = createRouter(
    {
      "/things": { GET: () => new Response("list") },
      "/things/special": { GET: () => new Response("special") },
      "/things/:id": { GET: echo, PATCH: echo },
      "/things/:id/parts/:part/drop": { POST: echo },
    },
    log,
  );
  const send = async (method: string, path: string) => {
    const res = await patterned(new Request(`http://broker${path}`, { method }), server);
    if (!res) throw new Error("expected a response");
    return res;
  };

  test("a pattern hands its segments to the handler; an exact route wins over it", async () => {
    expect(await (await send("GET", "/things/a1")).json()).toEqual({ method: "GET", params: { id: "a1" } });
    expect(await (await send("POST", "/things/x/parts/y%20z/drop?q=1")).json()).toEqual({
      method: "POST",
      params: { id: "x", part: "y%20z" },
    });
    expect(await (await send("GET", "/things/special")).text()).toBe("special");
    expect(await (await send("GET", "/things")).text()).toBe("list");
  });

  test("an empty segment, a trailing slash or an extra segment is 404; another method is 405 with Allow", async () => {
    for (const path of ["/things/", "/things/a/", "/things/a/parts//drop", "/things/a/b", "/things/:id/x"]) {
      expect({ path, status: (await send("GET", path)).status }).toEqual({ path, status: 404 });
    }
    const wrong = await send("DELETE", "/things/a1");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, PATCH");
  });
});
