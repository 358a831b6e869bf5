/** What became of one frame handed to a socket. */
export type SendOutcome =
  /** Written to the socket (or the kernel's buffer). */
  | "written"
  /** Accepted but buffered: the socket is under backpressure. */
  | "buffered"
  /** Not accepted: the socket is closing or gone. */
  | "dropped";

/**
 * The little the drainer needs of a session's socket, so the push loop is
 * plain code over an interface: Bun's socket in the broker, a recording
 * fake in unit tests.
 */
export interface PushSocket {
  /** Runs `write` with the socket corked: every frame it sends goes out in one write. */
  corked: (write: () => void) => void;
  /** Bytes accepted but not yet sent. */
  bufferedBytes: () => number;
  /** Hands one text frame to the socket. */
  send: (text: string) => SendOutcome;
}

/** The parts of Bun's `ServerWebSocket` a {@link PushSocket} is made of. */
export interface BunSocketLike {
  cork: (callback: () => void) => unknown;
  getBufferedAmount: () => number;
  send: (data: string) => number;
}

/**
 * A {@link PushSocket} over Bun's socket. Bun's `send` answers the bytes
 * written, `-1` when it buffered the frame under backpressure, and `0` when
 * it dropped it. Outside Bun's own callbacks sends are not corked, so the
 * drainer corks each session's batch itself.
 */
export function bunPushSocket(ws: BunSocketLike): PushSocket {
  return {
    corked: (write) => {
      ws.cork(write);
    },
    bufferedBytes: () => ws.getBufferedAmount(),
    send: (text) => {
      const result = ws.send(text);
      if (result === 0) return "dropped";
      return result === -1 ? "buffered" : "written";
    },
  };
}
