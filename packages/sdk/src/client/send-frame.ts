import { BROADCAST_TARGET, type ClientProfile, type Priority } from "@mesh/shared";
import type { SealedEnvelope } from "../crypto/envelope-cipher.ts";
import { sendsPlaintext } from "../crypto/plaintext-broadcast.ts";
import type { OutgoingSend, SendFrameBuilder } from "./outbox.ts";

/** How to send one envelope. */
export interface SendOptions {
  /** Default `next`: delivered once the recipient is idle. */
  priority?: Priority;
  /** Correlation id; a retry with the same id is never queued twice. Default: a random UUID. */
  id?: string;
  ttlSeconds?: number;
}

const PUBKEY_HEX = /^[0-9a-f]{64}$/;

/** The target as the broker names it: `*`, or a member's pubkey in lower case; undefined when it is neither. */
export function normalizeTarget(targetSpec: string): string | undefined {
  const target = targetSpec === BROADCAST_TARGET ? targetSpec : targetSpec.toLowerCase();
  return target === BROADCAST_TARGET || PUBKEY_HEX.test(target) ? target : undefined;
}

/** The `send` frame of an envelope sealed for `target`, with its correlation `id`. */
export function sendFrameFor(target: string, sealed: SealedEnvelope, id: string, options: SendOptions): OutgoingSend {
  return {
    type: "send",
    targetSpec: target,
    priority: options.priority ?? "next",
    ...sealed,
    id,
    ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
  };
}

/** What one send needs to build its frame for whichever session it goes out on. */
export interface SendFrameInput {
  target: string;
  text: string;
  id: string;
  options: SendOptions;
  /** Seals or encodes `text` for `target` as `profile` asks. */
  seal: (target: string, text: string, profile: ClientProfile) => SealedEnvelope;
  /** The profile of the session the frame goes out on now (strict when none said otherwise). */
  profile: () => ClientProfile;
}

/**
 * The frame builder of one send: the envelope is sealed (or, for a broadcast
 * on a `claudemesh` mesh, encoded) in the form the current session's profile
 * asks for, and sealed again only when that form changes, so a send that
 * waited through a profile change never goes out in the old form: a `strict`
 * session never carries a plaintext broadcast.
 */
export function sendFrameBuilder(input: SendFrameInput): SendFrameBuilder {
  let built: { plaintext: boolean; frame: OutgoingSend } | undefined;
  return () => {
    const profile = input.profile();
    const plaintext = sendsPlaintext(input.target, profile);
    if (built?.plaintext !== plaintext) {
      const sealed = input.seal(input.target, input.text, profile);
      built = { plaintext, frame: sendFrameFor(input.target, sealed, input.id, input.options) };
    }
    return built.frame;
  };
}
