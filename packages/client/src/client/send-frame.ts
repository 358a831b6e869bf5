import { BROADCAST_TARGET, type Priority } from "@mesh/shared";
import type { SealedEnvelope } from "../crypto/envelope-cipher.ts";
import type { OutgoingSend } from "./outbox.ts";

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
