import { randomBytes } from "node:crypto";

/** Bytes at the head of a peer message that carry its timing: send time, sender, sequence. */
export const PEER_HEADER_BYTES = 16;

/**
 * Makes `payloadBytes`-long message bodies whose head carries the send time
 * (float64 ms on the load generator's `performance.now()` clock), the sender
 * and the sequence number; the rest is one random filler made once, so the
 * load generator spends its CPU on the protocol, not on randomness.
 */
export function peerMessageEncoder(payloadBytes: number): (sentAt: number, sender: number, sequence: number) => Buffer {
  if (payloadBytes < PEER_HEADER_BYTES) throw new Error(`a peer message needs at least ${PEER_HEADER_BYTES} bytes`);
  const filler = randomBytes(payloadBytes - PEER_HEADER_BYTES);
  return (sentAt, sender, sequence) => {
    const body = Buffer.allocUnsafe(payloadBytes);
    body.writeDoubleLE(sentAt, 0);
    body.writeUInt32LE(sender >>> 0, 8);
    body.writeUInt32LE(sequence >>> 0, 12);
    filler.copy(body, PEER_HEADER_BYTES);
    return body;
  };
}

/** Reads back what {@link peerMessageEncoder} wrote; undefined for a body too short to hold it. */
export function decodePeerMessage(body: Uint8Array): { sentAt: number; sender: number; sequence: number } | undefined {
  if (body.length < PEER_HEADER_BYTES) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  return { sentAt: view.getFloat64(0, true), sender: view.getUint32(8, true), sequence: view.getUint32(12, true) };
}
