import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { sealFor } from "./envelope.ts";
import { type Frame, FrameSocket, type SocketClose } from "./frame-socket.ts";
import {
  ATTESTATION_TTL_MS,
  attestSession,
  type ClaudemeshLine,
  type HelloIdentity,
  memberHello,
  sessionHello,
} from "./hello-frames.ts";
import { type HookReport, postHookStatus } from "./hook.ts";
import { parseInviteLink } from "./invite-link.ts";
import { type ClaudemeshMembership, postJoin } from "./join.ts";
import { type ClaudemeshKeys, generateKeys } from "./keys.ts";
import { type ReceivedPush, readPush } from "./push-reader.ts";

/** How a claudemesh-shaped client behaves. */
export interface ClaudemeshClientOptions {
  line: ClaudemeshLine;
  membership: ClaudemeshMembership;
  cwd: string;
  /** The pid its hello reports; default this process. */
  pid?: number;
  displayName?: string;
  /** 1.x only: announce an ephemeral session key in `hello` (default true; the later 1.x daemon does not). */
  announceSessionKey?: boolean;
  /** How long to wait for `hello_ack` (claudemesh: 5 s; tests on a busy machine want more). Default 15 s. */
  helloTimeoutMs?: number;
}

/** The broker's answer to a hello: admitted, or refused with its error frame and close. */
export type HelloOutcome =
  | { accepted: true; ack: Frame }
  | { accepted: false; error: Frame | undefined; close: SocketClose };

/** A `send` the broker refused: `<code>: <message>`, as claudemesh reports it. */
export class SendRefused extends Error {
  constructor(readonly frame: Frame) {
    super(`${String(frame.code)}: ${String(frame.message)}`);
    this.name = "SendRefused";
  }
}

/** 16 lower-case hex characters: 8 random bytes, claudemesh's send `id`. */
export const sendId = (): string => randomBytes(8).toString("hex");
/** 16 hex characters and the time in base 36, claudemesh's `_reqId`. */
const requestId = (): string => `${randomBytes(8).toString("hex")}${Date.now().toString(36)}`;

/**
 * A client that speaks to the broker exactly as claudemesh's clients do, of
 * the v0.1 line or the 1.x line, written from the public wire format: raw
 * JSON frames over the runtime's WebSocket, claudemesh's keys and envelopes,
 * claudemesh's join and hook requests. It holds one session at a time and
 * does not reconnect: a test sees every frame and every close.
 */
export class ClaudemeshClient {
  /** The ephemeral session key of the 1.x line (kept across connects); undefined for v0.1. */
  readonly sessionKeys: ClaudemeshKeys | undefined;
  #sessionId: string;
  readonly #options: ClaudemeshClientOptions;
  readonly #member: ClaudemeshKeys;
  #socket: FrameSocket | undefined;
  /** The session key this session announced (hello.sessionPubkey or session_hello); it seals what we send. */
  #sessionKeyInUse: ClaudemeshKeys | undefined;
  #helloAck: Frame | undefined;

  constructor(options: ClaudemeshClientOptions) {
    this.#options = options;
    this.#member = { publicKey: options.membership.pubkey, secretKey: options.membership.secretKey };
    this.sessionKeys = options.line === "1.x" ? generateKeys() : undefined;
    this.#sessionId = `${this.pid}-${Date.now()}`;
  }

  /**
   * Parses `link` as claudemesh does (refusing what it refuses), makes a
   * fresh keypair and `POST`s `/join`: the membership a claudemesh client
   * would store. `proveKey` adds what claudemesh never sends (see `postJoin`).
   */
  static async join(
    link: string,
    displayName = `${hostname()}-${process.pid}`,
    options: { proveKey?: boolean } = {},
  ): Promise<ClaudemeshMembership> {
    return postJoin(parseInviteLink(link), generateKeys(), displayName, options);
  }

  get membership(): ClaudemeshMembership {
    return this.#options.membership;
  }

  get pid(): number {
    return this.#options.pid ?? process.pid;
  }

  get cwd(): string {
    return this.#options.cwd;
  }

  /** The `sessionId` of the last hello: v0.1 makes a new one per connect, 1.x keeps one. */
  get sessionId(): string {
    return this.#sessionId;
  }

  /** The session key this session announced, if any. */
  get sessionPubkey(): string | undefined {
    return this.#sessionKeyInUse?.publicKey;
  }

  /** The current session's `hello_ack`. */
  get helloAck(): Frame | undefined {
    return this.#helloAck;
  }

  /** Opens a socket and says `hello` (v0.1 fields; 1.x adds its session key and labels). */
  async connect(): Promise<HelloOutcome> {
    const announce = this.#options.line === "1.x" && (this.#options.announceSessionKey ?? true);
    const sessionKeys = announce ? this.sessionKeys : undefined;
    const frame = memberHello(this.#options.line, this.#identity(), {
      sessionKeys,
      displayName: this.#options.displayName,
      hostname: hostname(),
      channel: "claude-code",
    });
    return this.#hello(frame, sessionKeys);
  }

  /**
   * Opens a socket and says `session_hello` (1.30+), the session key attested
   * by the member for 12 h; `expiresAt` and `attester` let a test send an
   * expired or forged attestation.
   */
  async connectSession(options: { expiresAt?: number; attester?: ClaudemeshKeys } = {}): Promise<HelloOutcome> {
    const session = this.sessionKeys;
    if (!session) throw new Error("session_hello is a 1.x frame");
    const attestation = attestSession(
      this.#member.publicKey,
      session.publicKey,
      options.expiresAt ?? Date.now() + ATTESTATION_TTL_MS,
      options.attester ?? this.#member,
    );
    const frame = sessionHello(this.#identity(), session, attestation, {
      displayName: this.#options.displayName,
      hostname: hostname(),
    });
    return this.#hello(frame, session);
  }

  /**
   * Sends `text` as claudemesh does (sealed to a lower-case key with the
   * session secret, else the member secret; base64 text to anything else)
   * and resolves with the `ack` matched by `id`; rejects with the `error`
   * carrying that `id`.
   */
  async send(targetSpec: string, text: string, priority: "now" | "next" | "low" = "next"): Promise<Frame> {
    const socket = this.#session();
    const id = sendId();
    const sealed = sealFor(targetSpec, text, this.#sessionKeyInUse ?? this.#member);
    socket.send({ type: "send", id, targetSpec, priority, ...sealed });
    const answer = await socket.next((f) => (f.type === "ack" || f.type === "error") && f.id === id);
    if (answer.type === "error" || answer.queued === false) throw new SendRefused(answer);
    return answer;
  }

  /** `set_status {status}`: fire and forget. */
  setStatus(status: "idle" | "working" | "dnd"): void {
    this.#session().send({ type: "set_status", status });
  }

  /** `set_summary {summary}`: fire and forget. */
  setSummary(summary: string): void {
    this.#session().send({ type: "set_summary", summary });
  }

  /** `set_stats {stats}`, as the 1.x cold path reports every 60 s: fire and forget. */
  setStats(stats: {
    messagesIn: number;
    messagesOut: number;
    toolCalls: number;
    errors: number;
    uptime: number;
  }): void {
    this.#session().send({ type: "set_stats", stats });
  }

  /** `list_peers {_reqId}`; resolves with the `peers_list` that echoes the `_reqId`. */
  async listPeers(): Promise<Frame> {
    const socket = this.#session();
    const reqId = requestId();
    socket.send({ type: "list_peers", _reqId: reqId });
    return socket.next((f) => f.type === "peers_list" && f._reqId === reqId);
  }

  /** Writes any frame as it is (a type this client knows nothing about, say). */
  sendFrame(frame: Record<string, unknown>): void {
    this.#session().send(frame);
  }

  /** Every frame of this session after `hello_ack`, in arrival order. */
  framesAfterHello(): Frame[] {
    const frames = this.#socket?.frames ?? [];
    const ack = this.#helloAck;
    return ack ? frames.slice(frames.indexOf(ack) + 1) : [];
  }

  /** Waits for the next frame (not waited for before) that `matches`. */
  nextFrame(matches: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame> {
    return this.#session().next(matches, timeoutMs);
  }

  /** Every push of this session so far, decoded. */
  pushes(): ReceivedPush[] {
    return this.framesAfterHello()
      .filter((f) => f.type === "push")
      .map((f) => this.#decode(f));
  }

  /** Waits for the next push (not waited for before) whose decoding `matches`. */
  async nextPush(matches: (push: ReceivedPush) => boolean, timeoutMs?: number): Promise<ReceivedPush> {
    const frame = await this.#session().next((f) => f.type === "push" && matches(this.#decode(f)), timeoutMs);
    return this.#decode(frame);
  }

  /**
   * Posts `status` to `/hook/set-status` as `claudemesh hook` does: this
   * client's cwd, the hook's own parent pid (not the hello's), Claude Code's
   * session id, no `Authorization` header.
   */
  postHook(
    status: HookReport["status"],
    report: { pid: number; session_id?: string; cwd?: string },
  ): ReturnType<typeof postHookStatus> {
    return postHookStatus(this.membership.brokerUrl, {
      cwd: report.cwd ?? this.cwd,
      pid: report.pid,
      status,
      session_id: report.session_id ?? "",
    });
  }

  /** Closes the session, if one is open. */
  async close(): Promise<void> {
    await this.#socket?.close();
  }

  #identity(): HelloIdentity {
    if (this.#options.line === "v0.1") this.#sessionId = `${this.pid}-${Date.now()}`;
    const m = this.membership;
    return {
      meshId: m.meshId,
      memberId: m.memberId,
      member: this.#member,
      sessionId: this.#sessionId,
      pid: this.pid,
      cwd: this.cwd,
    };
  }

  async #hello(frame: Record<string, unknown>, sessionKeys: ClaudemeshKeys | undefined): Promise<HelloOutcome> {
    await this.close();
    this.#helloAck = undefined;
    const socket = await FrameSocket.open(this.membership.brokerUrl);
    this.#socket = socket;
    socket.send(frame);
    const answer = await socket
      .next((f) => f.type === "hello_ack" || f.type === "error", this.#options.helloTimeoutMs ?? 15_000)
      .catch(() => undefined);
    if (answer?.type === "hello_ack") {
      this.#helloAck = answer;
      this.#sessionKeyInUse = sessionKeys;
      return { accepted: true, ack: answer };
    }
    // A refusal is followed by the broker's close; with no answer at all, claudemesh gives up and closes.
    if (answer === undefined) await socket.close();
    return { accepted: false, error: answer, close: await socket.closed };
  }

  #session(): FrameSocket {
    if (!this.#socket || !this.#helloAck) throw new Error("no session: connect first");
    return this.#socket;
  }

  #decode(push: Frame): ReceivedPush {
    return readPush(push, this.#options.line, { session: this.#sessionKeyInUse, member: this.#member });
  }
}
