import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair } from "@mesh/shared";
import { useBrokerSuite } from "../helpers/broker-suite.ts";
import { addMember, createInvite, createMesh } from "../helpers/mesh-fixtures.ts";
import { connect, helloFor, sendFrameTo, session } from "../helpers/ws-client.ts";

const MAX_BYTES = 4096;
const suite = useBrokerSuite({ MAX_MESSAGE_BYTES: String(MAX_BYTES) });

/** A body streamed in 1 KiB chunks, so fetch sends it chunked without a Content-Length. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 1024));
      offset += 1024;
    },
  });
}

describe("hostile HTTP bodies (found by pnpm fuzz)", () => {
  test("a chunked body far over MAX_MESSAGE_BYTES gets the JSON 413, not Bun's bare one", async () => {
    // Past the server's hard ceiling (2 × MAX_MESSAGE_BYTES + 64 KiB), where Bun used to answer by itself.
    const body = JSON.stringify({ cwd: "a".repeat(MAX_BYTES * 40), status: "idle" });
    for (const path of ["/hook/set-status", "/join"]) {
      const res = await fetch(`${suite.broker.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chunked(body),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toMatchObject({ ok: false, error: "payload_too_large" });
    }
  });

  test("a body whose Content-Length is far over the limit gets the JSON 413 before it is read", async () => {
    const body = JSON.stringify({ cwd: "c".repeat(MAX_BYTES * 40), status: "idle" });
    for (const path of ["/hook/set-status", "/join"]) {
      const res = await fetch(`${suite.broker.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status).toBe(413);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toMatchObject({ ok: false, error: "payload_too_large" });
    }
  });

  test("a chunked body just over the limit gets 413; one under it is parsed", async () => {
    const over = await fetch(`${suite.broker.baseUrl}/hook/set-status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunked(JSON.stringify({ cwd: "b".repeat(MAX_BYTES), status: "idle" })),
    });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: "payload_too_large" });

    const under = await fetch(`${suite.broker.baseUrl}/hook/set-status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunked(JSON.stringify({ cwd: "/home/agent/chunked", status: "idle" })),
    });
    expect(under.status).toBe(200);
    expect(await under.json()).toEqual({ ok: true });
  });
});

describe("text Postgres cannot store (found by pnpm fuzz)", () => {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${suite.broker.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test("a hook whose cwd holds NUL gets 400 bad_request, not a 500", async () => {
    const nul = await post("/hook/set-status", { cwd: "/home/a\u0000b", status: "idle" });
    expect(nul).toMatchObject({ status: 400, body: { ok: false, error: "bad_request" } });
    const lone = await post("/hook/set-status", { cwd: "/home/\ud800", status: "working" });
    expect(lone).toMatchObject({ status: 400, body: { error: "bad_request" } });
  });

  test("a cwd within 4096 characters but over 2048 bytes of UTF-8 is refused, never an internal error", async () => {
    // 1500 two-byte characters: 3000 bytes, past what a Postgres index entry holds (about 2.7 KB).
    const long = `/${"é".repeat(1500)}`;
    expect(await post("/hook/set-status", { cwd: long, status: "idle" })).toMatchObject({
      status: 400,
      body: { ok: false, error: "bad_request" },
    });
    const mesh = await createMesh(suite.sql);
    const member = await addMember(suite.sql, mesh);
    await using socket = await connect(suite.broker.port);
    socket.send(helloFor(member, { cwd: long }));
    expect(await socket.next("error")).toMatchObject({ code: "malformed" });
    expect(await socket.closed).toEqual({ code: 1008, reason: "malformed" });
    // At the limit it is fine.
    const atLimit = `/${"é".repeat(1023)}a`;
    expect((await post("/hook/set-status", { cwd: atLimit, status: "idle" })).status).toBe(200);
  });

  test("a join whose display name or token holds NUL gets 400 bad_request, not a 500", async () => {
    const mesh = await createMesh(suite.sql);
    const invite = await createInvite(suite.sql, mesh, { maxUses: 5 });
    const body = {
      invite_token: invite.token,
      invite_payload: invite.payload,
      peer_pubkey: generateEd25519KeyPair().publicKey,
      display_name: "agent\u0000",
    };
    expect(await post("/join", body)).toMatchObject({ status: 400, body: { error: "bad_request" } });
    expect(await post("/join", { ...body, display_name: "agent", invite_token: "t\u0000" })).toMatchObject({
      status: 400,
      body: { error: "bad_request" },
    });
  });

  test("a hello whose cwd or sessionId holds NUL is refused as malformed (1008), not internal (1011)", async () => {
    const mesh = await createMesh(suite.sql);
    const member = await addMember(suite.sql, mesh);
    for (const overrides of [{ cwd: "/x\u0000" }, { sessionId: "s\u0000" }, { cwd: "\udc00" }]) {
      await using socket = await connect(suite.broker.port);
      socket.send(helloFor(member, overrides));
      expect(await socket.next("error")).toMatchObject({ code: "malformed" });
      expect(await socket.closed).toEqual({ code: 1008, reason: "malformed" });
    }
  });

  test("a send id with NUL or a lone surrogate is malformed, and the session stays open", async () => {
    const mesh = await createMesh(suite.sql);
    const [sender, peer] = [await addMember(suite.sql, mesh), await addMember(suite.sql, mesh)];
    await using s = await session(suite.broker.port, sender);
    const send = sendFrameTo(peer);
    for (const id of ["i\u0000d", "\ud800", "\ud800"]) {
      s.send({ ...send, id });
      expect(await s.next("error")).toMatchObject({ code: "malformed", id });
    }
    s.send({ ...send, id: "fine" });
    expect(await s.next("ack")).toMatchObject({ id: "fine", queued: true });
    // Only the good send was queued: the path that stored it would have stored the others.
    const [row] = await suite.sql<{ n: number }[]>`
      select count(*)::int as n from mesh.message_queue where recipient_member_id = ${peer.id}`;
    expect(row?.n).toBe(1);
  });
});
