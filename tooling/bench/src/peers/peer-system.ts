/** One closed-loop shape: `peers` each send `messagesPerPeer`, at most `window` unconfirmed at a time. */
export interface PeerShape {
  peers: number;
  messagesPerPeer: number;
  window: number;
  /** What the shape is for: throughput (msgs/s) or one-sender-at-a-time latency (send→push). */
  measures: "throughput" | "latency";
}

/** A message broker the bench compares the mesh broker with (RabbitMQ, NATS JetStream). */
export interface PeerSystem {
  /** The name printed in the tables. */
  name: string;
  /** The server process, for its peak RSS; undefined when not visible ("n/a"). */
  serverPid: () => number | undefined;
  /**
   * Connects `peerCount` clients, each with a durable queue of its own that
   * it consumes with manual acks; every received body goes to `deliver`
   * with the receiving peer's position.
   */
  open(peerCount: number, deliver: (recipient: number, body: Uint8Array) => void): Promise<PeerSession>;
}

/** An open set of peers on one {@link PeerSystem}. */
export interface PeerSession {
  /** Publishes a persistent message to `recipient`'s queue; resolves once the server confirmed it stored. */
  publish(sender: number, recipient: number, body: Buffer): Promise<void>;
  /** Stops consuming, deletes every queue or stream it created, closes the connections. */
  close(): Promise<void>;
}
