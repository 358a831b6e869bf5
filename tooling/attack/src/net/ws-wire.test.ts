import { describe, expect, test } from "bun:test";
import { encodeClientText, Opcode, readClose, ServerFrameReader } from "./ws-wire.ts";

/** A server frame as a test writes it: unmasked, FIN set. */
function serverFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const header = n < 126 ? Buffer.from([0x80 | opcode, n]) : Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]);
  return Buffer.concat([header, payload]);
}

describe("encodeClientText", () => {
  test("masked with a zero key, so the payload follows the header unchanged", () => {
    const frame = encodeClientText("hi");
    expect([...frame]).toEqual([0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69]);
  });

  test("16-bit and 64-bit lengths", () => {
    expect([...encodeClientText("x".repeat(200)).subarray(0, 4)]).toEqual([0x81, 0x80 | 126, 0, 200]);
    const big = encodeClientText("x".repeat(70_000));
    expect(big[1]).toBe(0x80 | 127);
    expect(Number(big.readBigUInt64BE(2))).toBe(70_000);
    expect(big.length).toBe(10 + 4 + 70_000);
  });
});

describe("ServerFrameReader", () => {
  test("frames split across chunks come out whole, in order", () => {
    const text = serverFrame(Opcode.text, Buffer.from('{"type":"hello_ack"}'));
    const long = serverFrame(Opcode.text, Buffer.from("y".repeat(300)));
    const close = serverFrame(Opcode.close, Buffer.concat([Buffer.from([0x03, 0xf0]), Buffer.from("frame_flood")]));
    const all = Buffer.concat([text, long, close]);
    const reader = new ServerFrameReader();
    const frames = [
      ...reader.push(all.subarray(0, 5)),
      ...reader.push(all.subarray(5, 40)),
      ...reader.push(all.subarray(40)),
    ];
    expect(frames.map((f) => f.opcode)).toEqual([Opcode.text, Opcode.text, Opcode.close]);
    expect(frames[1]?.payload.length).toBe(300);
    expect(readClose(frames[2]?.payload ?? Buffer.alloc(0))).toEqual({ code: 1008, reason: "frame_flood" });
  });

  test("a close without a code reads as 1005", () => {
    expect(readClose(Buffer.alloc(0))).toEqual({ code: 1005, reason: "" });
  });
});
