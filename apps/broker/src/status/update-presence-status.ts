import type { PresenceRow, Sql } from "@mesh/db";
import type { Status, StatusSource } from "@mesh/shared";
import { notifyWake } from "../delivery/notify-wake.ts";
import { applyStatusReport, type StatusDecision, type StatusState } from "./status-model.ts";

/**
 * A status report as the presence takes it. `renewsTime: false` (a tokenless
 * hook, which proves nothing about who sent it) may change the status but
 * never renews an unchanged one's time: re-posting `working` cannot hold a
 * session past `STATUS_TTL_SECONDS`.
 */
export interface PresenceStatusReport {
  status: Status;
  source: StatusSource;
  renewsTime?: boolean;
}

/** A refresh that keeps the time the status was last set (`before`'s); anything else as decided. */
export function withoutRenewal(decision: StatusDecision, before: StatusState): StatusDecision {
  if (decision.kind !== "refreshed") return decision;
  return { kind: "refreshed", next: { ...decision.next, updatedAt: before.updatedAt } };
}

/** The outcome of a status report against the stored presence. */
export interface PresenceStatusUpdate {
  before: StatusState;
  decision: StatusDecision;
  memberId: string;
  meshId: string;
  instanceId: string;
}

/**
 * Applies a report to a live presence under `FOR UPDATE`, so concurrent
 * reports from the socket, a hook and a sweeper are decided one at a time
 * by the one status model. Times are the database's clock. A change to a
 * presence another instance holds wakes that instance at commit (it re-reads
 * the status). Undefined when the presence is gone.
 */
export async function updatePresenceStatus(
  sql: Sql,
  presenceId: string,
  report: PresenceStatusReport,
  options: { freshWindowMs: number; origin: string },
): Promise<PresenceStatusUpdate | undefined> {
  return sql.begin(async (tx) => {
    const [row] = await tx<
      (Pick<PresenceRow, "status" | "statusSource" | "statusUpdatedAt" | "memberId" | "meshId" | "instanceId"> & {
        now: Date;
      })[]
    >`
      select status, status_source as "statusSource", status_updated_at as "statusUpdatedAt",
             member_id as "memberId", mesh_id as "meshId", instance_id as "instanceId", now() as now
      from mesh.presence where id = ${presenceId} and disconnected_at is null
      for update`;
    if (!row) return undefined;
    const before: StatusState = {
      status: row.status,
      source: row.statusSource,
      updatedAt: row.statusUpdatedAt.getTime(),
    };
    const decided = applyStatusReport(
      before,
      { status: report.status, source: report.source, at: row.now.getTime() },
      options.freshWindowMs,
    );
    const renews = report.renewsTime !== false;
    const decision = renews ? decided : withoutRenewal(decided, before);
    // A refresh that renews nothing and keeps the source changes no column: no write, no wake-up.
    const unchanged = decision.kind === "refreshed" && !renews && decision.next.source === before.source;
    if (decision.kind !== "kept" && !unchanged) {
      await tx`
        update mesh.presence
        set status = ${decision.next.status}, status_source = ${decision.next.source},
            status_updated_at = case when ${decision.kind === "changed" || renews} then now() else status_updated_at end
        where id = ${presenceId}`;
      if (row.instanceId !== options.origin) await notifyWake(tx, options.origin, { presenceIds: [presenceId] });
    }
    return { before, decision, memberId: row.memberId, meshId: row.meshId, instanceId: row.instanceId };
  });
}
