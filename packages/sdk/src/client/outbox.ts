import { type AckFrame, ErrorCode, type SendFrame } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import { type BackoffOptions, backoffDelay } from "./backoff.ts";

/** The broker's answer to a send. */
export interface SendResult {
  id: string;
  messageId: string;
  recipients: number;
  /** True when the broker had already accepted this `id` (a retry). */
  duplicate: boolean;
}

/** A send frame with its correlation id, which every retry repeats. */
export type OutgoingSend = SendFrame & { id: string };

/**
 * Builds a send's frame for the session it is written on, every time it is
 * written: how a broadcast is encoded depends on the profile that session's
 * mesh announced (docs/compatibility.md#client-profiles), which can differ
 * after a reconnect. Every frame it builds carries the same `id`.
 */
export type SendFrameBuilder = () => OutgoingSend;

/** Send failures worth retrying after a pause: the broker stored nothing. */
const TRANSIENT_SEND_CODES = new Set<string>([ErrorCode.dbUnavailable, ErrorCode.rateLimited, ErrorCode.queueFull]);

/** Whether a send the broker refused with `code` should be tried again after a pause. */
export function isTransientSendFailure(code: string): boolean {
  return TRANSIENT_SEND_CODES.has(code);
}

/** Which sends go out again on a new session: all but those already waiting out a retry pause. */
export function sendsToResend<S extends { retryTimer?: unknown }>(sends: Iterable<S>): S[] {
  return [...sends].filter((send) => send.retryTimer === undefined);
}

interface UnansweredSend {
  id: string;
  frame: SendFrameBuilder;
  retries: number;
  retryTimer?: ReturnType<typeof setTimeout>;
  deadline: ReturnType<typeof setTimeout>;
  resolve: (result: SendResult) => void;
  reject: (error: MeshError) => void;
}

/** What the outbox needs from its client. */
export interface OutboxDeps {
  /** Writes a frame on the socket, if one is open. */
  write: (frame: OutgoingSend) => void;
  /** Whether a session is established, so a send may go out now. */
  inSession: () => boolean;
  /** Pauses between retries of a transiently refused send. */
  backoff: BackoffOptions;
  /** How long a send may stay unanswered, across reconnects. */
  sendTimeoutMs: number;
}

/**
 * Sends the broker has not answered yet. Each is written now if a session
 * exists and again on every new session with the same `id` (so the broker
 * never queues it twice), retried after a pause when refused for a
 * transient reason, and rejected once its deadline passes.
 */
export class Outbox {
  readonly #deps: OutboxDeps;
  readonly #unanswered = new Map<string, UnansweredSend>();

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
  }

  /** Whether a send with this id waits for its answer. */
  has(id: string): boolean {
    return this.#unanswered.has(id);
  }

  /**
   * Queues send `id`, whose frame `frame` builds; resolves once the broker
   * has stored it. The caller checks `has(id)` first.
   */
  add(id: string, frame: SendFrameBuilder): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      const timeoutMs = this.#deps.sendTimeoutMs;
      const deadline = setTimeout(() => {
        this.#take(id)?.reject(new MeshError("send_timeout", `no ack for send ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#unanswered.set(id, { id, frame, retries: 0, deadline, resolve, reject });
      if (this.#deps.inSession()) this.#deps.write(frame());
    });
  }

  /** Resolves the send an `ack` answers. */
  acknowledge(ack: AckFrame): void {
    const send = ack.id === null ? undefined : this.#take(ack.id);
    send?.resolve({
      id: send.id,
      messageId: ack.messageId,
      recipients: ack.recipients,
      duplicate: ack.duplicate ?? false,
    });
  }

  /**
   * The broker refused send `id`: a transient refusal is retried after a
   * backoff pause, any other rejects the send. False when no such send waits.
   */
  refuse(id: string, error: MeshError): boolean {
    const send = this.#unanswered.get(id);
    if (!send) return false;
    if (isTransientSendFailure(error.code)) {
      const delay = backoffDelay(send.retries++, this.#deps.backoff);
      send.retryTimer = setTimeout(() => {
        send.retryTimer = undefined;
        if (this.#deps.inSession() && this.#unanswered.has(id)) this.#deps.write(send.frame());
      }, delay);
      return true;
    }
    this.#take(id)?.reject(error);
    return true;
  }

  /** Writes every unanswered send again (a new session); those waiting out a retry pause go when it ends. */
  resend(): void {
    for (const send of sendsToResend(this.#unanswered.values())) this.#deps.write(send.frame());
  }

  /** Rejects every unanswered send (the client is closing). */
  rejectAll(error: () => MeshError): void {
    for (const id of [...this.#unanswered.keys()]) this.#take(id)?.reject(error());
  }

  #take(id: string): UnansweredSend | undefined {
    const send = this.#unanswered.get(id);
    if (!send) return undefined;
    this.#unanswered.delete(id);
    clearTimeout(send.deadline);
    clearTimeout(send.retryTimer);
    return send;
  }
}
