import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { REPO_ROOT } from "../../../../tooling/image/assemble-runtime.ts";
import { type BrokerProcess, startBrokerProcess } from "../helpers/broker-process.ts";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh, type TestMember } from "../helpers/mesh-fixtures.ts";
import { requireTool } from "../helpers/required-tool.ts";
import { type Frame, sendAndAck, session, type TestSocket, taggedSendTo, tagOf } from "../helpers/ws-client.ts";
import { adaptedCaddyfile } from "./caddy-config.ts";
import { type CaddyProcess, startCaddy } from "./caddy-process.ts";

const caddy = requireTool("caddy", "caddy", "the deployment kit's proxy test");

// The kit's broker-1; its broker-2 is started below, and stopped by a test.
const suite = useBrokerSuite({});

describe.skipIf(caddy.skip)("the kit's Caddy in front of two brokers", () => {
  let proxy: CaddyProcess | undefined;
  let doomed: BrokerProcess | undefined;
  const through = (): CaddyProcess => {
    if (!proxy) throw new Error("the proxy is not running");
    return proxy;
  };

  beforeAll(async () => {
    const { json } = await adaptedCaddyfile(caddy.path ?? "caddy", join(REPO_ROOT, "deploy", "caddy", "Caddyfile"));
    // broker-2 of the kit is a broker this file stops: the proxy must carry on with broker-1 alone.
    doomed = await startBrokerProcess({ DATABASE_URL: suite.database.url });
    proxy = await startCaddy(caddy.path ?? "caddy", json, {
      "broker-1:7900": `127.0.0.1:${suite.broker.port}`,
      "broker-2:7900": `127.0.0.1:${doomed.port}`,
    });
  });

  afterAll(async () => {
    await proxy?.stop();
    await doomed?.stop();
  });

  async function members(n: number): Promise<TestMember[]> {
    const mesh = await createMesh(suite.sql);
    return Promise.all(Array.from({ length: n }, () => addMember(suite.sql, mesh)));
  }

  /** One session per agent through the proxy, each opened once the previous one is up. */
  async function sessionsInTurn(agents: TestMember[]): Promise<(TestSocket & { ack: Frame })[]> {
    const sockets: (TestSocket & { ack: Frame })[] = [];
    for (const agent of agents) sockets.push(await session(through().port, agent));
    return sockets;
  }

  test("agents' sessions upgrade through it and exchange envelopes, spread over both brokers", async () => {
    const agents = await members(4);
    const sockets = await sessionsInTurn(agents);
    try {
      const [first, , , last] = sockets;
      const [alice, , , dave] = agents;
      if (!first || !last || !alice || !dave) throw new Error("four agents and sessions expected");
      expect(await sendAndAck(first, taggedSendTo(dave, "through the proxy", { id: "p1" }))).toMatchObject({
        type: "ack",
      });
      expect(tagOf(await last.next("push", undefined, 15_000))).toBe("through the proxy");
      expect(await sendAndAck(last, taggedSendTo(alice, "and back", { id: "p2" }))).toMatchObject({ type: "ack" });
      expect(tagOf(await first.next("push", undefined, 15_000))).toBe("and back");
      // least_conn sends each new session to the instance holding fewer.
      const presences = await suite.sql<{ n: number }[]>`
        select count(distinct instance_id)::int as n from mesh.presence
        where mesh_id = ${alice.meshId} and disconnected_at is null`;
      expect(presences[0]?.n).toBe(2);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });

  test("hooks and joins reach a broker; /metrics, /health and anything else stay behind it", async () => {
    const [agent] = (await members(1)) as [TestMember];
    await using s = await session(through().port, agent, { cwd: "/srv/proxy/agent", pid: 7201 });
    const hook = await fetch(`${through().baseUrl}/hook/set-status`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${String(s.ack.hookToken)}` },
      body: JSON.stringify({ cwd: "/srv/proxy/agent", pid: 7201, status: "working" }),
    });
    expect({ status: hook.status, body: await hook.json() }).toMatchObject({
      status: 200,
      body: { applied: true, status: "working" },
    });
    // The broker's own answer to a body that is not JSON: the request reached it.
    const join = await fetch(`${through().baseUrl}/join`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect({ status: join.status, body: await join.json() }).toMatchObject({
      status: 400,
      body: { ok: false, error: "bad_json" },
    });
    for (const path of ["/metrics", "/health", "/", "/admin"]) {
      const res = await fetch(`${through().baseUrl}${path}`);
      expect({ path, status: res.status, body: await res.json() }).toEqual({
        path,
        status: 404,
        body: { ok: false, error: "not_found", message: "no route at this path" },
      });
    }
  });

  test("a broker stopping closes its sessions with 1001 through it, and new sessions land on the other", async () => {
    const agents = await members(4);
    const sockets = await sessionsInTurn(agents);
    try {
      const instances = await Promise.all(
        sockets.map(async (s) => {
          const [row] = await suite.sql<{ instance_id: string }[]>`
            select instance_id from mesh.presence where id = ${String(s.ack.presenceId)}`;
          return row?.instance_id;
        }),
      );
      const doomedId = await doomed?.instanceId();
      const onDoomed = sockets.filter((_, i) => instances[i] === doomedId);
      expect(onDoomed.length).toBeGreaterThan(0);
      expect(await doomed?.stop()).toBe(0);
      for (const s of onDoomed) expect((await s.closed).code).toBe(1001);
      // Reconnecting through the proxy: every new session is admitted, by the broker still running.
      const again = await Promise.all(
        agents.slice(0, onDoomed.length).map(async (a) => {
          await using s = await session(through().port, a);
          const [row] = await suite.sql<{ instance_id: string }[]>`
            select instance_id from mesh.presence where id = ${String(s.ack.presenceId)}`;
          return row?.instance_id;
        }),
      );
      expect(new Set(again)).toEqual(new Set([await suite.broker.instanceId()]));
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });
});
