/** What the heartbeat needs from its client. */
export interface HeartbeatDeps {
  /** A heartbeat goes out this often. */
  intervalMs: number;
  /** Sends a heartbeat; settles when the broker answers it or the request fails. */
  ping: () => Promise<unknown>;
  /** The last heartbeat went unanswered for a whole interval: the connection is dead. */
  unresponsive: () => void;
}

/**
 * Keeps a session's liveness in check: each interval sends a heartbeat, and
 * one still unanswered at the next tick declares the connection dead. A
 * socket can stay "open" long after the network under it died; this is how
 * the client finds out.
 */
export class Heartbeat {
  readonly #deps: HeartbeatDeps;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unanswered = false;

  constructor(deps: HeartbeatDeps) {
    this.#deps = deps;
  }

  /** Starts beating (again) for a new session. */
  start(): void {
    this.stop();
    this.#timer = setInterval(() => this.#tick(), this.#deps.intervalMs);
  }

  /** Stops beating and forgets an unanswered heartbeat. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unanswered = false;
  }

  #tick(): void {
    if (this.#unanswered) {
      this.#deps.unresponsive();
      return;
    }
    this.#unanswered = true;
    this.#deps.ping().then(
      () => {
        this.#unanswered = false;
      },
      // A failed heartbeat stays unanswered: the next tick drops the connection.
      () => {},
    );
  }
}
