import { CloseCode, ErrorCode } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import { type BackoffOptions, backoffDelay } from "./backoff.ts";

/** Hello refusals that no retry can fix. */
const FATAL_HELLO_CODES = new Set<string>([
  ErrorCode.unauthorized,
  ErrorCode.badSignature,
  ErrorCode.malformed,
  ErrorCode.timestampSkew,
]);

/** The error frame the broker sent before a session existed: why it is about to refuse the hello. */
export interface HelloRefusal {
  code: string;
  message: string;
}

/** What a closed socket leads to: another attempt after a pause, or giving up for good. */
export type AfterClose = { action: "reconnect"; delayMs: number } | { action: "give_up"; error: MeshError };

/** The facts a reconnect decision rests on. */
export interface ClosedSocket {
  code: number;
  reason: string;
  /** The broker's refusal of our hello on that socket, if it sent one. */
  refusal: HelloRefusal | undefined;
  /** Reconnect delays; undefined when the client must not reconnect. */
  backoff: BackoffOptions | undefined;
  /** Reconnect attempts since the last session (0 for the first). */
  attempt: number;
}

/** The reasons a 4002 close names; anything else there is read as a revocation. */
const REVOKED_REASONS = new Set<string>([ErrorCode.memberRevoked, ErrorCode.meshArchived]);

/**
 * Whether to come back after a socket closed: never when the broker revoked
 * the member or archived its mesh (4002), when it refused this identity for
 * a reason a retry cannot fix, or when reconnecting is off; otherwise after
 * a jittered backoff delay.
 */
export function afterClose(closed: ClosedSocket, random: () => number = Math.random): AfterClose {
  const { code, reason, refusal, backoff } = closed;
  if (code === CloseCode.revoked) {
    const why = REVOKED_REASONS.has(reason) ? reason : ErrorCode.memberRevoked;
    const text = why === ErrorCode.meshArchived ? "the mesh was archived" : "this member was revoked from the mesh";
    return { action: "give_up", error: MeshError.fromBroker(why, text) };
  }
  if (code === CloseCode.policy && refusal && FATAL_HELLO_CODES.has(refusal.code)) {
    return { action: "give_up", error: MeshError.fromBroker(refusal.code, refusal.message) };
  }
  if (!backoff) {
    return {
      action: "give_up",
      error: new MeshError("disconnected", `the broker closed the connection (${code} ${reason})`),
    };
  }
  return { action: "reconnect", delayMs: backoffDelay(closed.attempt, backoff, random) };
}
