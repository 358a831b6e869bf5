import { expect, test } from "bun:test";
import { decodePeerMessage, PEER_HEADER_BYTES, peerMessageEncoder } from "./peer-message.ts";

test("a peer message is payload-sized and gives back its send time, sender and sequence", () => {
  const body = peerMessageEncoder(160)(1234.5, 7, 299);
  expect(body.length).toBe(160);
  expect(decodePeerMessage(new Uint8Array(body))).toEqual({ sentAt: 1234.5, sender: 7, sequence: 299 });
  expect(decodePeerMessage(new Uint8Array(PEER_HEADER_BYTES - 1))).toBeUndefined();
  expect(() => peerMessageEncoder(PEER_HEADER_BYTES - 1)).toThrow();
});
