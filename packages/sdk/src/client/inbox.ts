import type { PushFrame } from "@mesh/shared";
import type { OpenedEnvelope } from "../crypto/envelope-cipher.ts";
import { MeshError } from "../mesh-error.ts";
import { RecentIds } from "./recent-ids.ts";

/** An envelope as the application sees it: decrypted, or a plaintext broadcast of a claudemesh mesh. */
export interface ReceivedMessage {
  messageId: string;
  brokerMessageId: string;
  meshId: string;
  /** The key that sealed it: the sending session's own key (claudemesh 1.x), else its member key. */
  senderPubkey: string;
  /** The sending member's key (the same as `senderPubkey` from a member-keyed session or an older broker). */
  senderMemberPubkey: string;
  priority: PushFrame["priority"];
  /** ISO 8601, when the broker stored it. */
  createdAt: string;
  text: string;
  /**
   * True when a key opened it (every direct message, and broadcasts sealed
   * with the mesh key); false for a plaintext broadcast of a mesh with the
   * `claudemesh` profile, which anyone on the way could read or forge.
   */
  encrypted: boolean;
}

/** Handles one envelope; the client acknowledges it to the broker once this returns. */
export type MessageHandler = (message: ReceivedMessage) => void | Promise<void>;

/** What the inbox needs from its client. */
export interface InboxDeps {
  /** Decrypts a push, by the profile of the session it came on; undefined when it does not open. */
  open: (push: PushFrame) => OpenedEnvelope | undefined;
  /** Confirms a push to the broker (`client_ack`). */
  acknowledge: (brokerMessageId: string) => void;
  /** Reports an envelope that did not decrypt or whose handler threw. */
  report: (error: MeshError) => void;
}

/**
 * Received envelopes, handed to the handler one at a time in arrival order.
 * A handled envelope is acknowledged; one whose handler threw is not (the
 * broker offers it again); a redelivery of one already handled is
 * acknowledged without reaching the handler again.
 */
export class Inbox {
  readonly #deps: InboxDeps;
  readonly #recent: RecentIds;
  readonly #queue: PushFrame[] = [];
  readonly #queued = new Set<string>();
  #handler: MessageHandler | undefined;
  #handling = false;
  #stopped = false;

  constructor(deps: InboxDeps, rememberMessages: number) {
    this.#deps = deps;
    this.#recent = new RecentIds(rememberMessages);
  }

  /** Sets the handler; envelopes that arrived before it wait for it. */
  setHandler(handler: MessageHandler): void {
    this.#handler = handler;
    void this.#drain();
  }

  accept(push: PushFrame): void {
    if (this.#queued.has(push.brokerMessageId)) return;
    if (this.#recent.has(push.messageId)) {
      this.#deps.acknowledge(push.brokerMessageId);
      return;
    }
    this.#queue.push(push);
    this.#queued.add(push.brokerMessageId);
    void this.#drain();
  }

  /** Forgets what is not handled yet: the broker pushes it again on the next session. */
  clear(): void {
    this.#queue.length = 0;
    this.#queued.clear();
  }

  /** Stops handing envelopes to the handler. */
  stop(): void {
    this.#stopped = true;
    this.clear();
  }

  async #drain(): Promise<void> {
    if (this.#handling) return;
    this.#handling = true;
    try {
      while (this.#handler && this.#queue.length > 0 && !this.#stopped) {
        const push = this.#queue[0] as PushFrame;
        // A redelivery can have been queued while its first copy was being handled.
        const handled = this.#recent.has(push.messageId) || (await this.#handle(this.#handler, push));
        // A session lost while the handler ran cleared the queue, and the next one may have refilled it.
        if (this.#queue[0] === push) {
          this.#queue.shift();
          this.#queued.delete(push.brokerMessageId);
        }
        if (handled) {
          this.#recent.add(push.messageId);
          this.#deps.acknowledge(push.brokerMessageId);
        }
      }
    } finally {
      this.#handling = false;
    }
  }

  /** True when the envelope is done with (handled, or undecryptable garbage); false when it should come again. */
  async #handle(handler: MessageHandler, push: PushFrame): Promise<boolean> {
    const opened = this.#deps.open(push);
    if (opened === undefined) {
      this.#deps.report(
        new MeshError("undecryptable", `envelope ${push.messageId} from ${push.senderPubkey} did not decrypt`),
      );
      return true;
    }
    try {
      await handler({
        messageId: push.messageId,
        brokerMessageId: push.brokerMessageId,
        meshId: push.meshId,
        senderPubkey: push.senderPubkey,
        senderMemberPubkey: push.senderMemberPubkey ?? push.senderPubkey,
        priority: push.priority,
        createdAt: push.createdAt,
        text: opened.text,
        encrypted: opened.encrypted,
      });
      return true;
    } catch (e: unknown) {
      this.#deps.report(new MeshError("handler_failed", `the handler of ${push.messageId} threw`, { cause: e }));
      return false;
    }
  }
}
