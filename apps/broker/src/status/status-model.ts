import { PRIORITIES, type Priority, type Status, type StatusSource } from "@mesh/shared";

/** A session's recorded status, its source and when that was last confirmed (ms). */
export interface StatusState {
  status: Status;
  source: StatusSource;
  updatedAt: number;
}

/** A status reported by a hook, the agent (manual) or its heartbeat, at `at` (ms). */
export interface StatusReport {
  status: Status;
  source: StatusSource;
  at: number;
}

/** What a report did to a state. */
export type StatusDecision =
  | { kind: "changed"; next: StatusState }
  | { kind: "refreshed"; next: StatusState }
  | { kind: "kept"; reason: "fresher_source" | "dnd_is_manual" };

const SOURCE_RANK: Record<StatusSource, number> = { hook: 3, manual: 2, heartbeat: 1 };

/** hook > manual > heartbeat. */
export function sourceRank(source: StatusSource): number {
  return SOURCE_RANK[source];
}

/**
 * The status rules (docs/protocol.md#status-sources): a different status always wins; the same status from an
 * equal or higher source refreshes (and upgrades) the source; from a lower
 * source it is kept while the recorded source is fresh, else taken. `dnd` is
 * set and cleared only by the agent itself (manual).
 */
export function applyStatusReport(current: StatusState, report: StatusReport, freshWindowMs: number): StatusDecision {
  if ((current.status === "dnd" || report.status === "dnd") && report.source !== "manual") {
    return { kind: "kept", reason: "dnd_is_manual" };
  }
  const next: StatusState = { status: report.status, source: report.source, updatedAt: report.at };
  if (report.status !== current.status) return { kind: "changed", next };
  if (sourceRank(report.source) >= sourceRank(current.source)) return { kind: "refreshed", next };
  if (report.at - current.updatedAt <= freshWindowMs) return { kind: "kept", reason: "fresher_source" };
  return { kind: "refreshed", next };
}

const PRIORITY_RANK: Record<Priority, number> = { now: 0, next: 1, low: 2 };

function priorityRank(priority: Priority): number {
  return PRIORITY_RANK[priority];
}

/** The least urgent priority rank a session in `status` may receive: idle → low, working/dnd → now. */
export function maxDeliverableRank(status: Status): number {
  return status === "idle" ? PRIORITY_RANK.low : PRIORITY_RANK.now;
}

/** May an envelope of `priority` be pushed to a session in `status` now? */
export function mayDeliver(status: Status, priority: Priority): boolean {
  return priorityRank(priority) <= maxDeliverableRank(status);
}

/**
 * The priorities a session in `status` may receive now, most urgent first:
 * what the drain's claim query filters on, so the SQL never restates the rule.
 */
export function deliverablePriorities(status: Status): Priority[] {
  return PRIORITIES.filter((p) => mayDeliver(status, p));
}

/** Does moving from `before` to `after` let held envelopes through? */
export function releasesHeld(before: Status, after: Status): boolean {
  return maxDeliverableRank(after) > maxDeliverableRank(before);
}
