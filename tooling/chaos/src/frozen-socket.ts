import { connect as netConnect, type Socket } from "node:net";
import { helloSigningString, signEd25519 } from "@mesh/shared";
import type { TestMember } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";

/** A consumer that said hello and then stopped reading. */
export interface FrozenSocket {
  /** Ends the TCP connection (the process "recovered" and drops its old socket). */
  destroy: () => void;
}

/** How long the broker gets to answer the hello. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * A raw TCP WebSocket client: the upgrade, a signed hello announcing the
 * `ack` feature (so pushes are leased, not marked delivered on hand-off),
 * and once `hello_ack` arrived it stops reading — the kernel buffers fill,
 * pings go unanswered, and the broker sees a slow consumer.
 */
export async function openFrozenSocket(port: number, meshId: string, member: TestMember): Promise<FrozenSocket> {
  const socket = netConnect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  socket.write(
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const timestamp = Date.now();
  const pubkey = member.keys.publicKey;
  const hello = {
    type: "hello",
    meshId,
    memberId: member.id,
    pubkey,
    sessionId: `frozen-${member.id}`,
    pid: process.pid,
    cwd: "/frozen",
    timestamp,
    signature: signEd25519(member.keys, helloSigningString({ meshId, memberId: member.id, pubkey, timestamp })),
    features: ["ack"],
  };
  socket.write(maskedTextFrame(JSON.stringify(hello)));
  await waitForHelloAck(socket);
  // From here on nothing is read: a consumer that stopped reading.
  socket.pause();
  return { destroy: () => socket.destroy() };
}

function waitForHelloAck(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => finish(new Error(`no hello_ack within ${HELLO_TIMEOUT_MS} ms: ${seen}`)),
      HELLO_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("latin1");
      if (seen.includes('"hello_ack"')) finish();
      else if (seen.includes('"type":"error"')) finish(new Error(`hello refused: ${seen}`));
    };
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.off("data", onData);
      if (error) reject(error);
      else resolve();
    };
    socket.on("data", onData);
  });
}

/** One client-to-server text frame (clients must mask, RFC 6455 §5.3). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x81, 0x80 | payload.length]);
  else if (payload.length < 65_536)
    header = Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  else throw new Error("frame too large for this helper");
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([header, mask, masked]);
}
