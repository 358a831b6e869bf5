import { randomUUID } from "node:crypto";
import {
  type ClientProfile,
  type Ed25519KeyPair,
  type HelloAckFrame,
  nextHelloTimestamp,
  type PeerInfo,
  type ServerFrame,
  type Status,
  type StatusFrame,
} from "@mesh/shared";
import { EnvelopeCipher } from "../crypto/envelope-cipher.ts";
import { MeshError } from "../mesh-error.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff.ts";
import { Connection } from "./connection.ts";
import { dispatchFrame, parseServerFrame } from "./frame-dispatch.ts";
import { Heartbeat } from "./heartbeat.ts";
import { signedHello } from "./hello-frame.ts";
import { Inbox, type MessageHandler } from "./inbox.ts";
import { Listeners } from "./listeners.ts";
import { Outbox, type SendResult } from "./outbox.ts";
import { PendingRequests } from "./pending-requests.ts";
import { normalizeTarget, type SendOptions, sendFrameBuilder } from "./send-frame.ts";
import type { SocketFactory } from "./websocket.ts";

export type { SendResult } from "./outbox.ts";
export type { SendOptions } from "./send-frame.ts";

/** How to reach the broker, who to be there, and how patient to be. */
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

/**
 * One agent session on a mesh broker (docs/protocol.md#connection, #at-least-once-delivery): signed hello, automatic
 * reconnect with jittered backoff, sends that survive reconnects (re-sent
 * with the same `id`, so never queued twice), in-order handling of received
 * envelopes with `client_ack` after the handler returns, and redeliveries
 * dropped by message id so the application sees each envelope once.
 */
export class MeshClient {
  readonly #cipher: EnvelopeCipher;
  readonly #listeners = new Listeners<MeshClientEvents>();
  readonly #connection: Connection;
  readonly #outbox: Outbox;
  readonly #requests = new PendingRequests();
  readonly #heartbeat: Heartbeat;
  readonly #inbox: Inbox;
  readonly sessionId: string;
  #closed = false;

  constructor(options: MeshClientOptions) {
    this.#cipher = new EnvelopeCipher(options.identity, options.meshRootKey);
    this.sessionId = options.sessionId ?? randomUUID();
    const backoff = options.reconnect === false ? undefined : { ...DEFAULT_BACKOFF, ...options.reconnect };
    const report = (error: MeshError) => this.#listeners.emit("error", error);
    this.#inbox = new Inbox(
      {
        open: (push) => this.#cipher.open(push, this.#profile()),
        acknowledge: (brokerMessageId) => this.#acknowledge(brokerMessageId),
        report,
      },
      options.rememberMessages ?? 10_000,
    );
    this.#connection = new Connection({
      brokerUrl: options.brokerUrl,
      socketFactory: options.socketFactory,
      backoff,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      hello: () =>
        signedHello(
          {
            meshId: options.meshId,
            memberId: options.memberId,
            identity: options.identity,
            sessionId: this.sessionId,
            pid: options.pid ?? process.pid,
            cwd: options.cwd ?? process.cwd(),
          },
          nextHelloTimestamp(),
        ),
      receive: (data) => this.#receive(data),
      lost: () => this.#sessionLost(),
      disconnected: (close) => this.#listeners.emit("disconnected", close),
      report,
      shutdown: () => void this.close(),
    });
    this.#outbox = new Outbox({
      write: (frame) => this.#connection.write(frame),
      inSession: () => this.#connection.session !== undefined,
      backoff: backoff ?? DEFAULT_BACKOFF,
      sendTimeoutMs: options.sendTimeoutMs ?? 60_000,
    });
    this.#heartbeat = new Heartbeat({
      intervalMs: options.heartbeatIntervalMs ?? 20_000,
      ping: () => this.#request({ type: "heartbeat" }, "status"),
      unresponsive: () => this.#connection.dropUnresponsive(),
    });
  }

  /** The current session's `hello_ack`; undefined while disconnected. */
  get session(): HelloAckFrame | undefined {
    return this.#connection.session;
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
    return this.#connection.connect();
  }

  /**
   * The current session's client profile (docs/compatibility.md#client-profiles), as its
   * `hello_ack` announced it; `strict` when it said none or no session is open.
   */
  get profile(): ClientProfile {
    return this.#profile();
  }

  /**
   * Encrypts `text` for `targetSpec` (a member pubkey, or `*` for every other
   * member) and resolves once the broker has stored it. Un-answered sends are
   * re-sent after a reconnect with the same `id`. On a mesh with the
   * `claudemesh` profile a broadcast goes out as base64 text, NOT encrypted,
   * as claudemesh clients send it; the profile is the one of the session each
   * write goes out on, so nothing goes out in plaintext on a `strict` mesh.
   */
  send(targetSpec: string, text: string, options: SendOptions = {}): Promise<SendResult> {
    if (this.#closed) return Promise.reject(new MeshError("closed", "the client is closed"));
    const target = normalizeTarget(targetSpec);
    if (target === undefined) {
      return Promise.reject(new MeshError("bad_target", "the target must be a member's pubkey (64 hex) or *"));
    }
    const id = options.id ?? randomUUID();
    if (this.#outbox.has(id)) return Promise.reject(new MeshError("duplicate_id", `a send with id ${id} is in flight`));
    const frame = sendFrameBuilder({
      target,
      text,
      id,
      options,
      seal: (to, plaintext, profile) => this.#cipher.seal(to, plaintext, profile),
      profile: () => this.#profile(),
    });
    // Sealed now as well, so a key that cannot seal fails this call rather than a later write.
    frame();
    return this.#outbox.add(id, frame);
  }

  /** Sets this session's status by hand (source `manual`); resolves with the status the broker now holds. */
  async setStatus(status: Status): Promise<StatusFrame> {
    const answer = await this.#request({ type: "set_status", status }, "status");
    return answer as StatusFrame;
  }

  /** The mesh's live sessions on every broker instance, this one included (`self: true`). */
  async listPeers(): Promise<PeerInfo[]> {
    const answer = await this.#request({ type: "list_peers" }, "peers_list");
    return answer.type === "peers_list" ? answer.peers : [];
  }

  /** Closes the session for good; unanswered sends and requests are rejected with `closed`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#inbox.stop();
    this.#heartbeat.stop();
    const closedError = () => new MeshError("closed", "the client was closed");
    this.#outbox.rejectAll(closedError);
    this.#requests.failAll(closedError);
    await this.#connection.close(closedError());
    this.#listeners.emit("closed");
  }

  #receive(data: unknown): void {
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      this.#listeners.emit("error", parsed.error);
      return;
    }
    dispatchFrame(parsed.frame, {
      inSession: () => this.#connection.session !== undefined,
      established: (ack) => this.#established(ack),
      helloRefused: (refusal) => this.#connection.refused(refusal),
      outbox: this.#outbox,
      requests: this.#requests,
      inbox: this.#inbox,
      status: (frame) => this.#listeners.emit("status", frame),
      error: (error) => this.#listeners.emit("error", error),
    });
  }

  #established(ack: HelloAckFrame): void {
    this.#connection.established(ack);
    this.#heartbeat.start();
    this.#listeners.emit("connected", ack);
    this.#outbox.resend();
  }

  /** Whatever belonged to the session that just closed ends with it. */
  #sessionLost(): void {
    this.#heartbeat.stop();
    this.#requests.failAll(() => new MeshError("disconnected", "the connection to the broker closed"));
    // Envelopes not yet handled come again on the next session.
    this.#inbox.clear();
  }

  #request(frame: Record<string, unknown>, answers: ServerFrame["type"]): Promise<ServerFrame> {
    if (!this.#connection.session) {
      return Promise.reject(new MeshError("not_connected", "no session with the broker right now"));
    }
    return this.#requests.open(answers, (reqId) => this.#connection.write({ ...frame, _reqId: reqId }));
  }

  /** The profile of the session that is open now; a broker that announces none runs every mesh as strict. */
  #profile(): ClientProfile {
    return this.#connection.session?.profile ?? "strict";
  }

  /** `client_ack` when the broker leases envelopes; a session that is gone gets it on redelivery. */
  #acknowledge(brokerMessageId: string): void {
    if (this.#connection.session?.features.includes("ack"))
      this.#connection.write({ type: "client_ack", brokerMessageId });
  }
}
