import { describe, expect, test } from "bun:test";
import { eventually } from "../../../apps/broker/test/helpers/broker-process.ts";
import { useBrokerSuite } from "../../../apps/broker/test/helpers/broker-suite.ts";
import { addMember, createMesh } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { SocketFactory, SocketLike } from "../src/client/websocket.ts";
import type { MeshClient, ReceivedMessage } from "../src/index.ts";
import { useSdkClients } from "./helpers/sdk-clients.ts";

/*
 * The SDK against a real broker. Faults are made by a socket factory that
 * wraps the runtime's real WebSocket: it can drop the connection right after
 * a chosen frame goes out, or swallow outgoing frames, the way a flaky
 * network or a crashed process would.
 */

const suite = useBrokerSuite({});
const clientFor = useSdkClients(suite);

/** A real WebSocket whose outgoing frames pass through `tap`: return false to swallow one. */
function tappedFactory(tap: (frame: Record<string, unknown>, socket: SocketLike) => boolean): SocketFactory {
  return (url) => {
    const socket = new WebSocket(url) as unknown as SocketLike;
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      if (tap(JSON.parse(data) as Record<string, unknown>, socket)) send(data);
    };
    return socket;
  };
}

const collect = (client: MeshClient) => {
  const received: ReceivedMessage[] = [];
  client.onMessage((m) => {
    received.push(m);
  });
  return received;
};

let controls = 0;
/**
 * Proves a receive path live before a test trusts a silence on it: `from`
 * sends `toPubkey` a `now` control, and once it is among `received` (what
 * that client's application got), resolves with everything else received.
 * Envelopes reach a session oldest first, so anything queued before the
 * control has arrived by then.
 */
async function receivedUpToControl(
  from: MeshClient,
  toPubkey: string,
  received: ReceivedMessage[],
): Promise<ReceivedMessage[]> {
  controls += 1;
  const text = `control-${controls}`;
  await from.send(toPubkey, text, { priority: "now" });
  if (!(await eventually(async () => received.some((m) => m.text === text), 15_000))) {
    throw new Error(`${text} never reached the application: its receive path is not live`);
  }
  return received.filter((m) => !/^control-\d+$/.test(m.text));
}

describe("MeshClient", () => {
  test("sends and receives direct and broadcast envelopes, decrypted", async () => {
    const mesh = await createMesh(suite.sql);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => addMember(suite.sql, mesh)));
    if (!a || !b || !c) throw new Error("fixtures");
    const [ca, cb, cc] = [clientFor(mesh, a), clientFor(mesh, b), clientFor(mesh, c)];
    await Promise.all([ca.connect(), cb.connect(), cc.connect()]);
    const atB = collect(cb);
    const atC = collect(cc);
    const atA = collect(ca);

    const direct = await ca.send(b.keys.publicKey, "only for b", { priority: "now" });
    expect(direct).toMatchObject({ recipients: 1, duplicate: false });
    const broadcast = await ca.send("*", "for everyone", { priority: "now" });
    expect(broadcast.recipients).toBe(2);

    expect(await eventually(async () => atB.length === 2 && atC.length === 1, 15_000)).toBe(true);
    expect(atB.map((m) => m.text)).toEqual(["only for b", "for everyone"]);
    expect(atC[0]).toMatchObject({
      text: "for everyone",
      senderPubkey: a.keys.publicKey,
      messageId: broadcast.messageId,
    });
    // The sender got no copy of its broadcast: a control from b reaches it, and nothing else did.
    expect(await receivedUpToControl(cb, a.keys.publicKey, atA)).toEqual([]);
    const peers = await ca.listPeers();
    expect(peers.map((p) => p.pubkey).sort()).toEqual([a.keys.publicKey, b.keys.publicKey, c.keys.publicKey].sort());
  });

  test("a send whose ack was lost is re-sent with the same id after the reconnect and stored once", async () => {
    const mesh = await createMesh(suite.sql);
    const [a, b] = await Promise.all([addMember(suite.sql, mesh), addMember(suite.sql, mesh)]);
    if (!a || !b) throw new Error("fixtures");
    let dropped = false;
    const sender = clientFor(mesh, a, {
      socketFactory: tappedFactory((frame, socket) => {
        if (frame.type === "send" && !dropped) {
          dropped = true;
          // The frame reaches the broker, then the connection dies before the ack can come back.
          socket.send(JSON.stringify(frame));
          socket.close(4001, "test: connection lost");
          return false;
        }
        return true;
      }),
    });
    const reconnects: unknown[] = [];
    sender.on("disconnected", (e) => reconnects.push(e));
    await sender.connect();
    const result = await sender.send(b.keys.publicKey, "exactly one copy", { id: "retry-me-1" });
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    expect(result.id).toBe("retry-me-1");
    const rows = await suite.sql<{ n: number }[]>`
      select count(*)::int as n from mesh.message_queue where message_id = ${result.messageId}`;
    expect(rows[0]?.n).toBe(1);
  });

  test("an envelope whose client_ack was lost is redelivered and reaches the application once", async () => {
    const mesh = await createMesh(suite.sql);
    const [a, b] = await Promise.all([addMember(suite.sql, mesh), addMember(suite.sql, mesh)]);
    if (!a || !b) throw new Error("fixtures");
    let swallowed = 0;
    const receiver = clientFor(mesh, b, {
      socketFactory: tappedFactory((frame, socket) => {
        if (frame.type === "client_ack" && swallowed === 0) {
          swallowed += 1;
          setTimeout(() => socket.close(4001, "test: ack lost with the connection"), 0);
          return false;
        }
        return true;
      }),
    });
    const handled: ReceivedMessage[] = [];
    receiver.onMessage((m) => {
      handled.push(m);
    });
    await receiver.connect();
    const sender = clientFor(mesh, a);
    await sender.connect();
    const { messageId } = await sender.send(b.keys.publicKey, "handle me once", { priority: "now" });

    const delivered = await eventually(async () => {
      const [row] = await suite.sql<{ delivered: boolean }[]>`
        select delivered_at is not null as delivered from mesh.message_queue where message_id = ${messageId}`;
      return row?.delivered === true;
    }, 15_000);
    expect(swallowed).toBe(1);
    expect(delivered).toBe(true);
    // Once: a control sent after the redelivery reaches the application with no second copy before it.
    expect((await receivedUpToControl(sender, b.keys.publicKey, handled)).map((m) => m.messageId)).toEqual([messageId]);
  });

  test("a refused identity fails connect() with the broker's code and stops trying", async () => {
    const mesh = await createMesh(suite.sql);
    const revoked = await addMember(suite.sql, mesh, { revoked: true });
    const client = clientFor(mesh, revoked);
    const errors: string[] = [];
    client.on("error", (e) => errors.push(e.code));
    const closed = new Promise<void>((resolve) => client.on("closed", resolve));
    await expect(client.connect()).rejects.toMatchObject({ code: "unauthorized" });
    await closed;
    expect(errors).toContain("unauthorized");
  });

  test("sends made before the session exists wait for it; close() rejects what is still unanswered", async () => {
    const mesh = await createMesh(suite.sql);
    const [a, b] = await Promise.all([addMember(suite.sql, mesh), addMember(suite.sql, mesh)]);
    if (!a || !b) throw new Error("fixtures");
    const early = clientFor(mesh, a);
    const sending = early.send(b.keys.publicKey, "queued before connect");
    await early.connect();
    expect((await sending).recipients).toBe(1);

    const silent = clientFor(mesh, a, { socketFactory: tappedFactory((frame) => frame.type !== "send") });
    await silent.connect();
    const never = silent.send(b.keys.publicKey, "swallowed").catch((e: unknown) => e);
    await silent.close();
    expect(await never).toMatchObject({ code: "closed" });
    await expect(silent.send(b.keys.publicKey, "after close")).rejects.toMatchObject({ code: "closed" });
  });
});
