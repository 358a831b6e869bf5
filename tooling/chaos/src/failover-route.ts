import type { SocketFactory, SocketLike } from "@mesh/sdk";

/** The runtime's own WebSocket, as the SDK would open it. */
const runtimeSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

/**
 * Where one client's sockets go: the first to its home instance, every
 * reconnect to the next instance of the list (a client given every broker's
 * URL). The SDK takes one URL; the route ignores it. With a single instance
 * every socket goes to that one.
 */
export class FailoverRoute {
  readonly #urls: readonly string[];
  readonly #inner: SocketFactory;
  #opened = 0;

  constructor(
    urls: readonly string[],
    readonly home: number,
    inner: SocketFactory = runtimeSocket,
  ) {
    if (urls.length === 0) throw new Error("a route needs at least one URL");
    this.#urls = urls;
    this.#inner = inner;
  }

  /** The instance the latest socket went to (home until the first reconnect). */
  get current(): number {
    return (this.home + Math.max(0, this.#opened - 1)) % this.#urls.length;
  }

  /** The URL of `current`. */
  get url(): string {
    const url = this.#urls[this.current];
    if (url === undefined) throw new Error("unreachable: the index is taken modulo the list's length");
    return url;
  }

  /** For the client's `socketFactory`: opens the next socket through the inner factory. */
  readonly factory: SocketFactory = () => {
    this.#opened += 1;
    return this.#inner(this.url);
  };
}
