/** WebSocket opcodes this harness reads (RFC 6455 §5.2). */
export const Opcode = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

/**
 * A client text frame (FIN, masked with a zero key: the payload goes out as
 * is, so one encoded frame can be written many times).
 */
export function encodeClientText(payload: string | Uint8Array): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : Buffer.from(payload);
  const length = body.length;
  const mask = Buffer.alloc(4);
  let header: Buffer;
  if (length < 126) header = Buffer.from([0x81, 0x80 | length]);
  else if (length < 65_536) header = Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, mask, body]);
}

/** One frame from the server (servers never mask). */
export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** Cuts a byte stream from the server into frames; keeps the unfinished tail for the next chunk. */
export class ServerFrameReader {
  #buffered: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): ServerFrame[] {
    this.#buffered = this.#buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffered, chunk]);
    const frames: ServerFrame[] = [];
    for (;;) {
      const b = this.#buffered;
      if (b.length < 2) break;
      const opcode = (b[0] ?? 0) & 0x0f;
      let length = (b[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) break;
      frames.push({ opcode, payload: b.subarray(offset, offset + length) });
      this.#buffered = b.subarray(offset + length);
    }
    return frames;
  }
}

/** A close frame's code and reason (1005 when it carried no code). */
export function readClose(payload: Buffer): { code: number; reason: string } {
  if (payload.length < 2) return { code: 1005, reason: "" };
  return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString("utf8") };
}
