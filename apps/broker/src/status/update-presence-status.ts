import type { PresenceRow, Sql } from "@mesh/db";
import type { Status, StatusSource } from "@mesh/shared";
import { notifyWake } from "../delivery/notify-wake.ts";
import { applyStatusReport, type StatusDecision, type StatusState } from "./status-model.ts";

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
  report: { status: Status; source: StatusSource },
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
    const decision = applyStatusReport(before, { ...report, at: row.now.getTime() }, options.freshWindowMs);
    if (decision.kind !== "kept") {
      await tx`
        update mesh.presence
        set status = ${decision.next.status}, status_source = ${decision.next.source}, status_updated_at = now()
        where id = ${presenceId}`;
      if (row.instanceId !== options.origin) await notifyWake(tx, options.origin, { presenceIds: [presenceId] });
    }
    return { before, decision, memberId: row.memberId, meshId: row.meshId, instanceId: row.instanceId };
  });
}
