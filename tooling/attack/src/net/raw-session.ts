import { connect, type Socket } from "node:net";
import { encodeClientText, Opcode, readClose, ServerFrameReader } from "./ws-wire.ts";

/** What a paused socket found once it read again. */
export interface RawReadout {
  /** The broker's close frame, if one came. */
  close: { code: number; reason: string } | undefined;
  /** Text frames read (answers to the flood). */
  textFrames: number;
  /** True when the connection ended (FIN or reset) before the deadline. */
  ended: boolean;
}

/**
 * A session on a bare TCP socket: the upgrade and the hello are done, then
 * it stops reading, so the broker's answers pile up and nothing of the
 * client slows the writes down, as a misbehaving peer does.
 */
export interface RawSession {
  /** Writes `frame` `count` times without waiting; resolves once written or the socket failed. */
  writeRepeatedly: (frame: Buffer, count: number) => Promise<{ written: number; failed: string | undefined }>;
  /**
   * Reads again until the close frame or the end of the connection, or
   * until nothing came for `idleMs`, or `timeoutMs` in all.
   */
  readUntilClose: (timeoutMs: number, idleMs: number) => Promise<RawReadout>;
  destroy: () => void;
}

/** Connects to `port`, upgrades `/ws`, sends `hello` and waits for its `hello_ack`, then pauses reading. */
export async function openRawSession(port: number, hello: Record<string, unknown>): Promise<RawSession> {
  const socket: Socket = connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  socket.write(
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const reader = new ServerFrameReader();
  let handshake: Buffer | undefined = Buffer.alloc(0);
  let onFrames: ((frames: ReturnType<ServerFrameReader["push"]>) => void) | undefined;
  let ended = false;
  const endWaiters: (() => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    let data = chunk;
    if (handshake !== undefined) {
      handshake = Buffer.concat([handshake, chunk]);
      const end = handshake.indexOf("\r\n\r\n");
      if (end < 0) return;
      data = handshake.subarray(end + 4);
      handshake = undefined;
    }
    onFrames?.(reader.push(data));
  });
  const markEnded = () => {
    ended = true;
    for (const wake of endWaiters.splice(0)) wake();
  };
  socket.on("close", markEnded);
  socket.on("end", markEnded);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("raw session: no hello_ack within 10 s")), 10_000);
    onFrames = (frames) => {
      for (const frame of frames) {
        if (frame.opcode !== Opcode.text) continue;
        const type = (JSON.parse(frame.payload.toString()) as { type?: unknown }).type;
        clearTimeout(timer);
        if (type === "hello_ack") resolve();
        else reject(new Error(`raw session: hello answered ${frame.payload.toString().slice(0, 200)}`));
      }
    };
    socket.write(encodeClientText(JSON.stringify(hello)));
  });
  onFrames = undefined;
  socket.pause();

  return {
    writeRepeatedly: async (frame, count) => {
      let written = 0;
      let failed: string | undefined;
      for (let i = 0; i < count && !ended && !socket.destroyed; i++) {
        const flushed = socket.write(frame, (e) => {
          if (e && !failed) failed = e.message;
        });
        written += 1;
        // Let the event loop run now and then, so a reset is noticed; never wait for the peer to read.
        if (!flushed && i % 64 === 0) await Bun.sleep(0);
      }
      return { written, failed };
    },
    readUntilClose: async (timeoutMs, idleMs) => {
      let close: RawReadout["close"];
      let textFrames = 0;
      let lastData = performance.now();
      const done = new Promise<void>((resolve) => {
        onFrames = (frames) => {
          lastData = performance.now();
          for (const frame of frames) {
            if (frame.opcode === Opcode.text) textFrames += 1;
            if (frame.opcode === Opcode.close && !close) {
              close = readClose(frame.payload);
              resolve();
            }
          }
        };
        endWaiters.push(resolve);
        if (ended) resolve();
      });
      socket.resume();
      const deadline = performance.now() + timeoutMs;
      let settled = false;
      void done.then(() => {
        settled = true;
      });
      while (!settled && performance.now() < deadline && performance.now() - lastData < idleMs) await Bun.sleep(50);
      return { close, textFrames, ended };
    },
    destroy: () => {
      socket.destroy();
    },
  };
}
