import { expect, test } from "bun:test";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createMesh } from "../helpers/mesh-fixtures.ts";
import { session } from "../helpers/ws-client.ts";

const suite = useBrokerSuite({});

test("every line about a session carries its mesh, member, presence, session and instance ids, error paths included", async () => {
  const mesh = await createMesh(suite.sql);
  const member = await addMember(suite.sql, mesh);
  const instanceId = await suite.broker.instanceId();
  const s = await session(suite.broker.port, member, { sessionId: "logged-session" });
  const ids = {
    instance_id: instanceId,
    mesh_id: mesh.id,
    member_id: member.id,
    presence_id: s.ack.presenceId,
    session_id: "logged-session",
  };
  s.send({ type: "set_status", status: "working" });
  await s.next("status");
  // A statement that fails for a reason other than an outage: the frame-failure path, which used to log `err` alone.
  await suite.sql`alter table mesh.presence add constraint test_no_dnd check (status <> 'dnd') not valid`;
  try {
    s.send({ type: "set_status", status: "dnd", _reqId: "r1" });
    expect(await s.next("error")).toMatchObject({ code: "internal", _reqId: "r1" });
  } finally {
    await suite.sql`alter table mesh.presence drop constraint test_no_dnd`;
  }
  await s.close();

  const about = (msg: string) => suite.broker.logs.find((l) => l.msg === msg && l.presence_id === s.ack.presenceId);
  await suite.broker.waitForLog((l) => l.msg === "ws close" && l.presence_id === s.ack.presenceId);
  for (const msg of ["ws hello", "ws set_status", "frame failed", "ws close"]) {
    expect({ msg, ...about(msg) }).toMatchObject({ msg, ...ids });
  }
  expect(about("frame failed")).toMatchObject({ level: "error", frame: "set_status", err: expect.any(Object) });
});

test("an HTTP request's lines carry its request id (a proxy's X-Request-Id when plain), method and path", async () => {
  const res = await fetch(`${suite.broker.baseUrl}/hook/set-status`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": "trace-42" },
    body: JSON.stringify({ cwd: "/nowhere/for/this/test", pid: 4242, status: "working" }),
  });
  expect(res.status).toBe(200);
  const hookLine = await suite.broker.waitForLog((l) => l.msg === "hook" && l.cwd === "/nowhere/for/this/test");
  expect(hookLine).toMatchObject({
    req_id: "trace-42",
    method: "POST",
    path: "/hook/set-status",
    instance_id: await suite.broker.instanceId(),
  });
});
