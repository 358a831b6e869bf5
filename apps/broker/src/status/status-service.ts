import type { Sql } from "@mesh/db";
import type { Drainer } from "../delivery/drainer.ts";
import { sendFrame } from "../sessions/frames.ts";
import type { SessionHub } from "../sessions/session-hub.ts";
import { readPresenceStatuses, type StatusSelector } from "./read-presence-statuses.ts";
import { releasesHeld, type StatusState } from "./status-model.ts";
import {
  type PresenceStatusReport,
  type PresenceStatusUpdate,
  updatePresenceStatus,
} from "./update-presence-status.ts";

/** The one path every status change takes: the socket, the hook, the sweepers and other instances. */
export interface StatusService {
  /**
   * Applies a report to the stored presence by the status model, then to the
   * local session. A change is announced to the session with a `status`
   * frame unless the session itself asked (`fromSession`): it gets the answer.
   */
  report: (
    presenceId: string,
    report: PresenceStatusReport,
    options?: { fromSession?: boolean },
  ) => Promise<PresenceStatusUpdate | undefined>;
  /**
   * A change already written to Postgres (the TTL sweep): update the session
   * here, tell it, release what it allows.
   */
  changed: (presenceId: string, next: StatusState) => void;
  /**
   * Re-reads from Postgres the statuses of sessions held here that another
   * instance may have changed (a hook that landed there, its TTL sweep):
   * the presences a wake-up named, or every session here that changed since
   * the last such read ("recent"), or all of them ("all", after the wake-up
   * listener reconnected).
   */
  refresh: (scope: { presenceIds: readonly string[] } | "recent" | "all") => Promise<void>;
}

/** A "recent" refresh reads back this far before the previous read, for transactions that committed late. */
const REFRESH_OVERLAP_MS = 10_000;

/** Builds the status service over the database, the local sessions and the drainer. */
export function createStatusService(deps: {
  sql: Sql;
  hub: SessionHub;
  drainer: Drainer;
  freshWindowMs: number;
  instanceId: string;
  /** Any status change went through here, whichever instance holds the session (the live view listens). */
  onChanged?: () => void;
}): StatusService {
  let lastRead: Date | undefined;
  const changed = (presenceId: string, next: StatusState, announce = true): void => {
    deps.onChanged?.();
    const ws = deps.hub.byPresenceId(presenceId);
    const session = ws?.data.session;
    if (!ws || !session) return;
    const before = session.status.status;
    session.status = next;
    // Whoever changed it (a hook, the TTL sweep, another instance), the agent hears of it.
    if (announce && before !== next.status) sendFrame(ws, { type: "status", status: next.status, source: next.source });
    if (releasesHeld(before, next.status)) deps.drainer.request([session.memberId]);
  };
  return {
    report: async (presenceId, report, options = {}) => {
      const update = await updatePresenceStatus(deps.sql, presenceId, report, {
        freshWindowMs: deps.freshWindowMs,
        origin: deps.instanceId,
      });
      if (update && update.decision.kind !== "kept") changed(presenceId, update.decision.next, !options.fromSession);
      return update;
    },
    changed,
    refresh: async (scope) => {
      let selector: StatusSelector;
      if (scope === "all" || scope === "recent") {
        const after =
          scope === "recent" && lastRead !== undefined ? new Date(lastRead.getTime() - REFRESH_OVERLAP_MS) : undefined;
        selector = { instanceId: deps.instanceId, changedAfter: after };
      } else {
        const held = scope.presenceIds.filter((id) => deps.hub.byPresenceId(id));
        if (held.length === 0) return;
        selector = { presenceIds: held };
      }
      const { statuses, readAt } = await readPresenceStatuses(deps.sql, selector);
      if (!("presenceIds" in selector)) lastRead = readAt;
      for (const s of statuses) {
        const current = deps.hub.byPresenceId(s.presenceId)?.data.session?.status;
        // Older than what this instance already applied (a read that raced a local report): keep ours.
        const updatedAt = s.statusUpdatedAt.getTime();
        if (!current || updatedAt < current.updatedAt) continue;
        if (current.status === s.status && current.source === s.statusSource) continue;
        changed(s.presenceId, { status: s.status, source: s.statusSource, updatedAt });
      }
    },
  };
}
