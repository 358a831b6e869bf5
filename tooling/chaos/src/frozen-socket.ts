import type { Socket } from "node:net";
import { helloSigningString, nextHelloTimestamp, signEd25519 } from "@mesh/shared";
import type { TestMember } from "../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { rawHelloClient } from "../../../apps/broker/test/helpers/raw-ws-client.ts";

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
  const timestamp = nextHelloTimestamp();
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
  // Reading until hello_ack: the listener is attached before any reply can arrive (replies come on a later I/O turn).
  const { socket } = await rawHelloClient(port, hello, { reads: true });
  try {
    await waitForHelloAck(socket);
  } catch (e: unknown) {
    socket.destroy();
    throw e;
  }
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
