import { CloseCode, type HelloAckFrame, type HelloFrame } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import type { BackoffOptions } from "./backoff.ts";
import { afterClose, type HelloRefusal } from "./reconnect-policy.ts";
import { defaultSocketFactory, SOCKET_OPEN, type SocketFactory, type SocketLike } from "./websocket.ts";

/** Close code we use when we drop a socket that stopped answering. */
const CLOSE_UNRESPONSIVE = 4000;
/** How long `close()` waits for the broker to confirm the close before it lets go of the socket. */
const CLOSE_GRACE_MS = 1000;

/** What the connection needs from its client. */
export interface ConnectionDeps {
  brokerUrl: string;
  /** Opens sockets; undefined for the runtime's default, looked up on first use. */
  socketFactory: SocketFactory | undefined;
  /** Reconnect delays; undefined to stay closed after the first drop. */
  backoff: BackoffOptions | undefined;
  /** How long `connect()` keeps trying before it gives up. */
  connectTimeoutMs: number;
  /** A freshly signed hello, sent first on every socket. */
  hello: () => HelloFrame;
  /** Every frame the broker sends, unparsed. */
  receive: (data: unknown) => void;
  /** The socket closed: whatever belonged to that session ends now (also when closing for good). */
  lost: () => void;
  /** The socket closed while the client was not closing. */
  disconnected: (close: { code: number; reason: string }) => void;
  /** Reports why the connection gave up. */
  report: (error: MeshError) => void;
  /** Closes the client for good after giving up. */
  shutdown: () => void;
}

/**
 * The socket to the broker and its lifecycle: open, send the signed hello,
 * hold the session once the broker acknowledges it, and after a drop come
 * back with jittered backoff, unless the broker refused this identity for
 * good. Frames are handed on raw; what they mean is the client's business.
 */
export class Connection {
  readonly #deps: ConnectionDeps;
  #factory: SocketFactory | undefined;
  #socket: SocketLike | undefined;
  #session: HelloAckFrame | undefined;
  #refusal: HelloRefusal | undefined;
  #attempt = 0;
  #closed = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #waiter: { resolve: (ack: HelloAckFrame) => void; reject: (e: MeshError) => void } | undefined;

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
    this.#factory = deps.socketFactory;
  }

  /** The current session's `hello_ack`; undefined while disconnected. */
  get session(): HelloAckFrame | undefined {
    return this.#session;
  }

  /** Opens the connection unless it is open or coming back; resolves with the first `hello_ack`. */
  connect(): Promise<HelloAckFrame> {
    if (this.#session) return Promise.resolve(this.#session);
    return new Promise<HelloAckFrame>((resolve, reject) => {
      const timeoutMs = this.#deps.connectTimeoutMs;
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new MeshError("connect_timeout", `no session with ${this.#deps.brokerUrl} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiter = {
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      if (!this.#socket && !this.#reconnectTimer) void this.#open();
    });
  }

  /** The broker accepted our hello: the session exists and the backoff starts over. */
  established(ack: HelloAckFrame): void {
    this.#session = ack;
    this.#attempt = 0;
    this.#waiter?.resolve(ack);
    this.#waiter = undefined;
  }

  /** The broker refused our hello; the close that follows decides whether to come back. */
  refused(refusal: HelloRefusal): void {
    this.#refusal = refusal;
  }

  /** Writes a frame if the socket is open; a frame written while closed is simply not sent. */
  write(frame: object): void {
    const socket = this.#socket;
    if (socket?.readyState === SOCKET_OPEN) socket.send(JSON.stringify(frame));
  }

  /** Treats the socket as dead now (it stopped answering) instead of waiting for the OS to notice. */
  dropUnresponsive(): void {
    const socket = this.#socket;
    if (!socket) return;
    const reason = "heartbeat unanswered";
    socket.close(CLOSE_UNRESPONSIVE, reason);
    this.#handleClose(socket, CLOSE_UNRESPONSIVE, reason);
  }

  /** Closes for good: rejects a waiting `connect()` with `error`, stops coming back, closes the socket. */
  async close(error: MeshError): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#waiter?.reject(error);
    this.#waiter = undefined;
    const socket = this.#socket;
    if (socket) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        socket.onclose = () => {
          clearTimeout(timer);
          resolve();
        };
        socket.close(CloseCode.normal, "client closing");
      });
      socket.onclose = null;
      this.#socket = undefined;
    }
    this.#session = undefined;
  }

  async #open(): Promise<void> {
    this.#reconnectTimer = undefined;
    this.#factory ??= await defaultSocketFactory();
    if (this.#closed) return;
    this.#refusal = undefined;
    let socket: SocketLike;
    try {
      socket = this.#factory(this.#deps.brokerUrl);
    } catch (e: unknown) {
      this.#giveUp(new MeshError("bad_broker_url", `cannot open ${this.#deps.brokerUrl}`, { cause: e }));
      return;
    }
    this.#socket = socket;
    socket.onopen = () => socket.send(JSON.stringify(this.#deps.hello()));
    socket.onmessage = (event) => this.#deps.receive(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => this.#handleClose(socket, event.code, event.reason);
  }

  #handleClose(socket: SocketLike, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    this.#socket = undefined;
    this.#session = undefined;
    this.#deps.lost();
    if (this.#closed) return;
    this.#deps.disconnected({ code, reason });
    const next = afterClose({
      code,
      reason,
      refusal: this.#refusal,
      backoff: this.#deps.backoff,
      attempt: this.#attempt,
    });
    if (next.action === "give_up") {
      this.#giveUp(next.error);
      return;
    }
    this.#attempt++;
    this.#reconnectTimer = setTimeout(() => void this.#open(), next.delayMs);
  }

  /** Reports `error`, rejects a waiting `connect()` with it, and has the client close. */
  #giveUp(error: MeshError): void {
    this.#deps.report(error);
    this.#waiter?.reject(error);
    this.#waiter = undefined;
    this.#deps.shutdown();
  }
}
