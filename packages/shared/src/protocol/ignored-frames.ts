import { sessionFrameSchemas } from "./client-frames.ts";

/**
 * Frame types claudemesh clients send that this broker accepts and drops
 * without an answer: `set_stats` (sent every 60 s; the broker keeps no
 * statistics of an agent's own).
 */
export const DROPPED_FRAME_TYPES: readonly string[] = ["set_stats"];

/**
 * Why a frame of an authenticated session gets no answer at all
 * (docs/protocol.md#unexpected-frames): a type accepted and dropped, a type
 * this broker does not know sent without `_reqId` (nobody waits for an
 * answer, and claudemesh clients take an id-less error for the answer to an
 * unrelated request), or a claudemesh `client_ack` (its sessions are
 * delivered on hand-off).
 */
export type IgnoreReason = "dropped_type" | "unknown_type" | "foreign_client_ack";

/** Every reason, for counters that start at zero. */
export const IGNORE_REASONS: readonly IgnoreReason[] = ["dropped_type", "unknown_type", "foreign_client_ack"];

/** Why this decoded frame (a JSON object with a string `type`) is ignored, or undefined when it is handled. */
export function ignoredFrameReason(
  frame: Readonly<Record<string, unknown>> & { type: string },
): IgnoreReason | undefined {
  if (frame.type === "hello") return undefined;
  if (DROPPED_FRAME_TYPES.includes(frame.type)) return "dropped_type";
  if (frame.type === "client_ack" && "clientMessageId" in frame && !isBrokerRowId(frame.brokerMessageId)) {
    return "foreign_client_ack";
  }
  if (!Object.hasOwn(sessionFrameSchemas, frame.type) && frame._reqId === undefined) return "unknown_type";
  return undefined;
}

/** The broker's queue row ids are digits; a claudemesh `client_ack` names its own message ids instead. */
function isBrokerRowId(value: unknown): boolean {
  return (typeof value === "string" && /^\d{1,19}$/.test(value)) || (typeof value === "number" && value > 0);
}
