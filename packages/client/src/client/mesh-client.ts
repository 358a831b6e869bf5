import { randomUUID } from "node:crypto";
import {
  BROADCAST_TARGET,
  CloseCode,
  type Ed25519KeyPair,
  ErrorCode,
  type HelloAckFrame,
  type HelloFrame,
  helloSigningString,
  nextHelloTimestamp,
  type PeerInfo,
  type Priority,
  type SendFrame,
  type ServerFrame,
  type Status,
  type StatusFrame,
  serverFrame,
  signEd25519,
} from "@mesh/shared";
import { EnvelopeCipher } from "../crypto/envelope-cipher.ts";
import { MeshError } from "../mesh-error.ts";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import { Inbox, type MessageHandler } from "./inbox.ts";
import { Listeners } from "./listeners.ts";
import { defaultSocketFactory, SOCKET_OPEN, type SocketFactory, type SocketLike } from "./websocket.ts";

/** The broker's answer to a send. */
export interface SendResult {
  id: string;
  messageId: string;
  recipients: number;
  /** True when the broker had already accepted this `id` (a retry). */
  duplicate: boolean;
}

export interface SendOptions {
  /** Default `next`: delivered once the recipient is idle. */
  priority?: Priority;
  /** Correlation id; a retry with the same id is never queued twice. Default: a random UUID. */
  id?: string;
  ttlSeconds?: number;
}

export interface MeshClientOptions {
  /** `ws://host:port/ws` or `wss://…`. */
  brokerUrl: string;
  meshId: string;
  memberId: string;
  identity: Ed25519KeyPair;
  /** The mesh root key from the invite: the key of broadcasts. */
  meshRootKey: string;
  /** Default: a random UUID per client. */
  sessionId?: string;
  /** The agent process whose hooks report this session's status. Default: this process. */
  pid?: number;
  cwd?: string;
  /** Reconnect delays; `false` to stay closed after the first drop. */
  reconnect?: Partial<BackoffOptions> | false;
  /** How long `connect()` keeps trying before it gives up. Default 15 s. */
  connectTimeoutMs?: number;
  /** How long a send may stay unanswered (across reconnects). Default 60 s. */
  sendTimeoutMs?: number;
  /** A heartbeat goes out this often; an unanswered one drops the socket. Default 20 s. */
  heartbeatIntervalMs?: number;
  /** How many handled message ids are remembered to drop redeliveries. Default 10 000. */
  rememberMessages?: number;
  /** Opens the socket; default the runtime's WebSocket, or the `ws` package on Node 20. */
  socketFactory?: SocketFactory;
}

/** What the client reports besides messages. */
export interface MeshClientEvents {
  /** A session was established (first connect and every reconnect). */
  connected: [HelloAckFrame];
  /** The socket closed; the client reconnects unless closed or refused for good. */
  disconnected: [{ code: number; reason: string }];
  /** The broker reported this session's status (after a hook, a sweep, or our own change). */
  status: [StatusFrame];
  /** An error frame no request was waiting for, an envelope that did not decrypt, a handler that threw. */
  error: [MeshError];
  /** Closed for good: `close()` was called or the broker refused this identity. */
  closed: [];
}

/** Hello refusals that no retry can fix. */
const FATAL_HELLO_CODES = new Set<string>([
  ErrorCode.unauthorized,
  ErrorCode.badSignature,
  ErrorCode.malformed,
  ErrorCode.timestampSkew,
]);
/** Send failures worth retrying after a pause: the broker stored nothing. */
const TRANSIENT_SEND_CODES = new Set<string>([ErrorCode.dbUnavailable, ErrorCode.rateLimited, ErrorCode.queueFull]);
/** Close code we use when we drop a socket that stopped answering. */
const CLOSE_UNRESPONSIVE = 4000;

interface PendingSend {
  frame: SendFrame & { id: string };
  retries: number;
  retryTimer?: ReturnType<typeof setTimeout>;
  deadline: ReturnType<typeof setTimeout>;
  resolve: (result: SendResult) => void;
  reject: (error: MeshError) => void;
}

interface PendingRequest {
  answers: ServerFrame["type"];
  resolve: (frame: ServerFrame) => void;
  reject: (error: MeshError) => void;
}

/**
 * One agent session on a mesh broker (SPEC §5, §12): signed hello, automatic
 * reconnect with jittered backoff, sends that survive reconnects (re-sent
 * with the same `id`, so never queued twice), in-order handling of received
 * envelopes with `client_ack` after the handler returns, and redeliveries
 * dropped by message id so the application sees each envelope once.
 */
export class MeshClient {
  readonly #options: MeshClientOptions;
  readonly #cipher: EnvelopeCipher;
  readonly #backoff: BackoffOptions | undefined;
  readonly #listeners = new Listeners<MeshClientEvents>();
  readonly #pending = new Map<string, PendingSend>();
  readonly #requests = new Map<string, PendingRequest>();
  readonly #inbox: Inbox;
  readonly sessionId: string;

  #factory: SocketFactory | undefined;
  #socket: SocketLike | undefined;
  #session: HelloAckFrame | undefined;
  #helloRefusal: { code: string; message: string } | undefined;
  #attempt = 0;
  #closed = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #heartbeatUnanswered = false;
  #requestSeq = 0;
  #firstConnect: { resolve: (ack: HelloAckFrame) => void; reject: (e: MeshError) => void } | undefined;

  constructor(options: MeshClientOptions) {
    this.#options = options;
    this.#cipher = new EnvelopeCipher(options.identity, options.meshRootKey);
    this.#backoff = options.reconnect === false ? undefined : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.#inbox = new Inbox(
      {
        open: (push) => this.#cipher.open(push),
        acknowledge: (brokerMessageId) => this.#acknowledge(brokerMessageId),
        report: (error) => this.#listeners.emit("error", error),
      },
      options.rememberMessages ?? 10_000,
    );
    this.sessionId = options.sessionId ?? randomUUID();
    this.#factory = options.socketFactory;
  }

  /** The current session's `hello_ack`; undefined while disconnected. */
  get session(): HelloAckFrame | undefined {
    return this.#session;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof MeshClientEvents>(event: E, listener: (...args: MeshClientEvents[E]) => void): () => void {
    return this.#listeners.on(event, listener);
  }

  /** Sets the one handler of received envelopes; envelopes that arrived before it wait for it. */
  onMessage(handler: MessageHandler): void {
    this.#inbox.setHandler(handler);
  }

  /**
   * Connects and resolves with the first `hello_ack`. Rejects when the broker
   * refuses this identity or no session could be made within
   * `connectTimeoutMs`; call `close()` then.
   */
  connect(): Promise<HelloAckFrame> {
    if (this.#closed) return Promise.reject(new MeshError("closed", "the client is closed"));
    if (this.#session) return Promise.resolve(this.#session);
    return new Promise<HelloAckFrame>((resolve, reject) => {
      const timeoutMs = this.#options.connectTimeoutMs ?? 15_000;
      const timer = setTimeout(() => {
        this.#firstConnect = undefined;
        reject(new MeshError("connect_timeout", `no session with ${this.#options.brokerUrl} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#firstConnect = {
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

  /**
   * Encrypts `text` for `targetSpec` (a member pubkey, or `*` for every other
   * member) and resolves once the broker has stored it. Un-answered sends are
   * re-sent after a reconnect with the same `id`.
   */
  send(targetSpec: string, text: string, options: SendOptions = {}): Promise<SendResult> {
    if (this.#closed) return Promise.reject(new MeshError("closed", "the client is closed"));
    const target = targetSpec === BROADCAST_TARGET ? targetSpec : targetSpec.toLowerCase();
    if (target !== BROADCAST_TARGET && !/^[0-9a-f]{64}$/.test(target)) {
      return Promise.reject(new MeshError("bad_target", "the target must be a member's pubkey (64 hex) or *"));
    }
    const id = options.id ?? randomUUID();
    if (this.#pending.has(id))
      return Promise.reject(new MeshError("duplicate_id", `a send with id ${id} is in flight`));
    const frame: PendingSend["frame"] = {
      type: "send",
      targetSpec: target,
      priority: options.priority ?? "next",
      ...this.#cipher.seal(target, text),
      id,
      ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
    };
    return new Promise<SendResult>((resolve, reject) => {
      const timeoutMs = this.#options.sendTimeoutMs ?? 60_000;
      const deadline = setTimeout(() => {
        this.#settleSend(id)?.reject(new MeshError("send_timeout", `no ack for send ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { frame, retries: 0, deadline, resolve, reject });
      if (this.#session) this.#write(frame);
    });
  }

  /** Sets this session's status by hand (source `manual`); resolves with the status the broker now holds. */
  async setStatus(status: Status): Promise<StatusFrame> {
    const answer = await this.#request({ type: "set_status", status }, "status");
    return answer as StatusFrame;
  }

  /** The mesh's live sessions on every broker instance, this one excepted. */
  async listPeers(): Promise<PeerInfo[]> {
    const answer = await this.#request({ type: "list_peers" }, "peers_list");
    return answer.type === "peers_list" ? answer.peers : [];
  }

  /** Closes the session for good; unanswered sends and requests are rejected with `closed`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#inbox.stop();
    clearTimeout(this.#reconnectTimer);
    this.#stopHeartbeat();
    const closedError = () => new MeshError("closed", "the client was closed");
    for (const id of [...this.#pending.keys()]) this.#settleSend(id)?.reject(closedError());
    this.#failRequests(closedError);
    this.#firstConnect?.reject(closedError());
    this.#firstConnect = undefined;
    const socket = this.#socket;
    if (socket) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
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
    this.#listeners.emit("closed");
  }

  async #open(): Promise<void> {
    this.#reconnectTimer = undefined;
    this.#factory ??= await defaultSocketFactory();
    if (this.#closed) return;
    this.#helloRefusal = undefined;
    let socket: SocketLike;
    try {
      socket = this.#factory(this.#options.brokerUrl);
    } catch (e: unknown) {
      this.#fail(new MeshError("bad_broker_url", `cannot open ${this.#options.brokerUrl}`, undefined, { cause: e }));
      return;
    }
    this.#socket = socket;
    socket.onopen = () => socket.send(JSON.stringify(this.#hello()));
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => this.#handleClose(socket, event.code, event.reason);
  }

  #hello(): HelloFrame {
    const { meshId, memberId, identity } = this.#options;
    const timestamp = nextHelloTimestamp();
    return {
      type: "hello",
      meshId,
      memberId,
      pubkey: identity.publicKey,
      sessionId: this.sessionId,
      pid: this.#options.pid ?? process.pid,
      cwd: this.#options.cwd ?? process.cwd(),
      timestamp,
      signature: signEd25519(identity, helloSigningString({ meshId, memberId, pubkey: identity.publicKey, timestamp })),
      features: ["ack"],
    };
  }

  #receive(data: unknown): void {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof data === "string" ? data : Buffer.from(data as ArrayBuffer).toString("utf8"));
    } catch {
      this.#listeners.emit("error", new MeshError("bad_frame", "the broker sent a frame that is not JSON"));
      return;
    }
    const parsed = serverFrame.safeParse(raw);
    if (!parsed.success) {
      const type = (raw as { type?: unknown } | null)?.type;
      this.#listeners.emit(
        "error",
        new MeshError("bad_frame", `the broker sent an unexpected frame (${String(type)})`),
      );
      return;
    }
    this.#dispatch(parsed.data);
  }

  #dispatch(frame: ServerFrame): void {
    switch (frame.type) {
      case "hello_ack":
        this.#established(frame);
        return;
      case "ack": {
        const pending = frame.id === null ? undefined : this.#settleSend(frame.id);
        pending?.resolve({
          id: pending.frame.id,
          messageId: frame.messageId,
          recipients: frame.recipients,
          duplicate: frame.duplicate ?? false,
        });
        return;
      }
      case "push":
        this.#inbox.accept(frame);
        return;
      case "error":
        this.#handleError(frame);
        return;
      case "status":
        if (this.#answer(frame)) return;
        this.#listeners.emit("status", frame);
        return;
      case "peers_list":
        this.#answer(frame);
        return;
    }
  }

  #established(ack: HelloAckFrame): void {
    this.#session = ack;
    this.#attempt = 0;
    this.#startHeartbeat();
    this.#firstConnect?.resolve(ack);
    this.#firstConnect = undefined;
    this.#listeners.emit("connected", ack);
    for (const pending of this.#pending.values()) {
      if (!pending.retryTimer) this.#write(pending.frame);
    }
  }

  #handleError(frame: Extract<ServerFrame, { type: "error" }>): void {
    const error = new MeshError(frame.code, frame.message);
    if (!this.#session) {
      this.#helloRefusal = { code: frame.code, message: frame.message };
      return;
    }
    const pending = frame.id === undefined ? undefined : this.#pending.get(frame.id);
    if (pending) {
      if (TRANSIENT_SEND_CODES.has(frame.code) && !this.#closed) {
        const delay = backoffDelay(pending.retries++, this.#backoff ?? DEFAULT_BACKOFF);
        pending.retryTimer = setTimeout(() => {
          pending.retryTimer = undefined;
          if (this.#session && this.#pending.has(pending.frame.id)) this.#write(pending.frame);
        }, delay);
        return;
      }
      this.#settleSend(pending.frame.id)?.reject(error);
      return;
    }
    if (this.#answer(frame, error)) return;
    this.#listeners.emit("error", error);
  }

  /** Resolves (or, given `error`, rejects) the request whose `_reqId` the frame echoes. */
  #answer(frame: ServerFrame, error?: MeshError): boolean {
    const reqId = "_reqId" in frame && frame._reqId !== undefined ? String(frame._reqId) : undefined;
    const request = reqId === undefined ? undefined : this.#requests.get(reqId);
    if (!request || reqId === undefined) return false;
    if (!error && request.answers !== frame.type) return false;
    this.#requests.delete(reqId);
    if (error) request.reject(error);
    else request.resolve(frame);
    return true;
  }

  #request(frame: Record<string, unknown>, answers: ServerFrame["type"]): Promise<ServerFrame> {
    if (!this.#session) return Promise.reject(new MeshError("not_connected", "no session with the broker right now"));
    const reqId = `r${++this.#requestSeq}`;
    return new Promise<ServerFrame>((resolve, reject) => {
      this.#requests.set(reqId, { answers, resolve, reject });
      this.#write({ ...frame, _reqId: reqId });
    });
  }

  /** `client_ack` when the broker leases envelopes; a session that is gone gets it on redelivery. */
  #acknowledge(brokerMessageId: string): void {
    if (this.#session?.features.includes("ack")) this.#write({ type: "client_ack", brokerMessageId });
  }

  #write(frame: object): void {
    const socket = this.#socket;
    if (socket?.readyState === SOCKET_OPEN) socket.send(JSON.stringify(frame));
  }

  #settleSend(id: string): PendingSend | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.deadline);
    clearTimeout(pending.retryTimer);
    return pending;
  }

  #handleClose(socket: SocketLike, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    this.#socket = undefined;
    this.#session = undefined;
    this.#stopHeartbeat();
    this.#failRequests(() => new MeshError("disconnected", "the connection to the broker closed"));
    // Envelopes not yet handled come again on the next session.
    this.#inbox.clear();
    if (this.#closed) return;
    this.#listeners.emit("disconnected", { code, reason });
    const refusal = this.#helloRefusal;
    if (code === CloseCode.policy && refusal && FATAL_HELLO_CODES.has(refusal.code)) {
      this.#fail(new MeshError(refusal.code, refusal.message));
      return;
    }
    if (!this.#backoff) {
      this.#fail(new MeshError("disconnected", `the broker closed the connection (${code} ${reason})`));
      return;
    }
    const delay = backoffDelay(this.#attempt++, this.#backoff);
    this.#reconnectTimer = setTimeout(() => void this.#open(), delay);
  }

  /** Gives up: reports `error`, rejects a waiting `connect()`, closes. */
  #fail(error: MeshError): void {
    this.#listeners.emit("error", error);
    this.#firstConnect?.reject(error);
    this.#firstConnect = undefined;
    void this.close();
  }

  #failRequests(error: () => MeshError): void {
    for (const request of this.#requests.values()) request.reject(error());
    this.#requests.clear();
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    const interval = this.#options.heartbeatIntervalMs ?? 20_000;
    this.#heartbeatTimer = setInterval(() => {
      const socket = this.#socket;
      if (!socket) return;
      if (this.#heartbeatUnanswered) {
        // The broker did not answer the last heartbeat: treat the connection as dead now.
        socket.close(CLOSE_UNRESPONSIVE, "heartbeat unanswered");
        this.#handleClose(socket, CLOSE_UNRESPONSIVE, "heartbeat unanswered");
        return;
      }
      this.#heartbeatUnanswered = true;
      this.#request({ type: "heartbeat" }, "status").then(
        () => {
          this.#heartbeatUnanswered = false;
        },
        () => {},
      );
    }, interval);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    this.#heartbeatUnanswered = false;
  }
}
