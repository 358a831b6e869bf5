import type { Sql } from "@mesh/db";
import type { Status, StatusSource } from "@mesh/shared";
import type { Drainer } from "../delivery/drainer.ts";
import { type PresenceStatusUpdate, updatePresenceStatus } from "../sql/update-presence-status.ts";
import type { SessionHub } from "../ws/session-hub.ts";
import { releasesHeld, type StatusState } from "./status-model.ts";

/** The one path every status change takes: the socket, the hook and the sweepers. */
export interface StatusService {
  /** Applies a report to the stored presence by the status model, then to the local session. */
  report: (
    presenceId: string,
    report: { status: Status; source: StatusSource },
  ) => Promise<PresenceStatusUpdate | undefined>;
  /** A change already written to Postgres (the TTL sweep): update the session here, release what it allows. */
  changed: (presenceId: string, next: StatusState) => void;
}

/** Builds the status service over the database, the local sessions and the drainer. */
export function createStatusService(deps: {
  sql: Sql;
  hub: SessionHub;
  drainer: Drainer;
  freshWindowMs: number;
}): StatusService {
  const changed = (presenceId: string, next: StatusState): void => {
    const session = deps.hub.byPresenceId(presenceId)?.data.session;
    if (!session) return;
    const before = session.status.status;
    session.status = next;
    if (releasesHeld(before, next.status)) deps.drainer.request([session.memberId]);
  };
  return {
    report: async (presenceId, report) => {
      const update = await updatePresenceStatus(deps.sql, presenceId, report, deps.freshWindowMs);
      if (update && update.decision.kind !== "kept") changed(presenceId, update.decision.next);
      return update;
    },
    changed,
  };
}
