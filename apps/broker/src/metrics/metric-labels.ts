import type { ErrorCode } from "@mesh/shared";

/** Why the broker closed an open session itself. */
export type SessionCloseCause = "frame_flood" | "member_revoked" | "mesh_archived";

/** Envelope priorities, as labels. */
export type PriorityLabel = "now" | "next" | "low";

export const PRIORITY_LABELS: readonly PriorityLabel[] = ["now", "next", "low"];

/**
 * Why the retention sweep deleted a queue row: expired undelivered, delivered
 * past the retention period, or undelivered for a revoked recipient or in an
 * archived mesh.
 */
export type RetiredReason = "expired" | "delivered" | "revoked" | "archived";

export const RETIRED_REASONS: readonly RetiredReason[] = ["expired", "delivered", "revoked", "archived"];

/**
 * How a pushed envelope is settled: `ack` — the session confirms it with
 * `client_ack` (it stays leased until then); `handoff` — a session without
 * the `ack` feature, delivered when the frame is written.
 */
export type PushMode = "ack" | "handoff";

/**
 * How an HTTP request (`/join`, `/hook/set-status`) ended: the success
 * outcomes of the route, an error code of the `BrokerError` it was refused
 * with (a fixed set: `ErrorCode`), or `internal_error` for anything else.
 * Never a value a client chose.
 */
export type RequestOutcome<Ok extends string> = Ok | ErrorCode | "internal_error";

/** How `/join` ended. */
export type JoinOutcomeLabel = RequestOutcome<"joined" | "already_member">;

/** How `/hook/set-status` ended. */
export type HookResultLabel = RequestOutcome<"ok">;

/** What a count of the queue found, for its gauges. */
export interface QueueGauges {
  /**
   * This instance reports the database-wide gauges (the oldest live instance
   * in the registry); the others report 0, so `sum()` over instances counts
   * each row once.
   */
  reporting: boolean;
  /** Undelivered rows that count against the caps. */
  depth: number;
  /** Members holding more than half of `MEMBER_QUEUE_CAP` as recipients or as senders. */
  membersOverShare: number;
  /** Age of the oldest of those rows (0 when there is none). */
  oldestUndeliveredSeconds: number;
  /**
   * Age of the oldest row a live session could take now and nobody holds (0
   * when there is none): what delivery lag means, as against rows that wait
   * for an offline or busy recipient.
   */
  oldestDeliverableSeconds: number;
}
