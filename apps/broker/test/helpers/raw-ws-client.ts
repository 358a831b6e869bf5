import { connect as netConnect, type Socket } from "node:net";

/**
 * A WebSocket client on a bare TCP socket that completes the handshake and
 * says hello, then misbehaves the way real peers do: `reads: true` reads and
 * ignores everything but never answers a ping (a frozen process);
 * `reads: false` stops reading altogether (a slow consumer: the broker's
 * writes back up).
 */
export async function rawHelloClient(
  port: number,
  hello: Record<string, unknown>,
  options: { reads: boolean },
): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = netConnect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  socket.write(
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const payload = Buffer.from(JSON.stringify(hello));
  const mask = Buffer.from([1, 2, 3, 4]);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  socket.write(Buffer.concat([header, mask, masked]));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => undefined);
  // A reading client sees the close; a paused one leaves everything in the kernel's buffers.
  if (options.reads) socket.resume();
  else socket.pause();
  return { socket, closed };
}
