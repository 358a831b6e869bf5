import { describe, expect, test } from "bun:test";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { metricValue } from "../helpers/metrics.ts";
import { session, taggedSendTo } from "../helpers/ws-client.ts";

// Two instances on one database: a revocation written anywhere reaches both.
const suite = useBrokerSuite({ SWEEP_INTERVAL_MS: "60000" }, { SWEEP_INTERVAL_MS: "60000" });

describe("revocation and archival take effect at once", () => {
  test("revoking a member (by SQL) closes its sessions on every instance with 4002; the others stay", async () => {
    const mesh = await createMesh(suite.sql);
    const [victim, bystander] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    await using a = await session(suite.broker.port, victim);
    await using b = await session(suite.brokerAt(1).port, victim);
    await using other = await session(suite.brokerAt(1).port, bystander);
    const started = performance.now();
    await suite.sql`update mesh.member set revoked_at = now() where id = ${victim.id}`;
    // The sweep interval is a minute: only the notification can close them this soon.
    expect(await a.closed).toEqual({ code: 4002, reason: "member_revoked" });
    expect(await b.closed).toEqual({ code: 4002, reason: "member_revoked" });
    expect(performance.now() - started).toBeLessThan(10_000);
    other.send({ type: "list_peers", _reqId: "after" });
    expect((await other.next("peers_list"))._reqId).toBe("after");
    expect(
      await metricValue(suite.broker.baseUrl, "broker_sessions_closed_total", 'reason="member_revoked"'),
    ).toBeGreaterThanOrEqual(1);
  });

  test("archiving a mesh closes all of its sessions with 4002 mesh_archived; another mesh's stay", async () => {
    const [archived, kept] = [await createMesh(suite.sql), await createMesh(suite.sql)];
    await using a = await session(suite.broker.port, await addMember(suite.sql, archived));
    await using b = await session(suite.brokerAt(1).port, await addMember(suite.sql, archived));
    const stays = await addMember(suite.sql, kept);
    await using c = await session(suite.broker.port, stays);
    await suite.sql`update mesh.mesh set archived_at = now() where id = ${archived.id}`;
    expect(await a.closed).toEqual({ code: 4002, reason: "mesh_archived" });
    expect(await b.closed).toEqual({ code: 4002, reason: "mesh_archived" });
    c.send(taggedSendTo(stays, "to myself", { id: "still-open" }));
    expect((await c.next("ack")).id).toBe("still-open");
  });
});
