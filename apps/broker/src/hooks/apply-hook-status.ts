import type { Sql } from "@mesh/db";
import type { Status } from "@mesh/shared";
import { insertPendingStatus } from "../status/insert-pending-status.ts";
import { PENDING_STATUS_WINDOW_SECONDS } from "../status/pending-status.ts";
import type { StatusService } from "../status/status-service.ts";
import type { PresenceStatusReport, PresenceStatusUpdate } from "../status/update-presence-status.ts";
import { findHookTarget } from "./find-hook-target.ts";
import { findPresenceByHookToken } from "./find-presence-by-hook-token.ts";
import { hashHookToken } from "./hook-token.ts";

/** A hook's report, with its token when it carried one. */
export interface HookReport {
  token: string | undefined;
  pid: number | null;
  cwd: string;
  status: Extract<Status, "idle" | "working">;
}

/** What became of a hook's report. */
export type HookOutcome =
  | {
      kind: "reported";
      presenceId: string;
      /** The session's mesh and member, for the log. */
      meshId: string;
      memberId: string;
      /** The session's status after the report. */
      status: Status;
      /** False when the status model kept the recorded status (dnd, or a fresher source). */
      applied: boolean;
    }
  /** No session matched; `stored` is false when `MAX_PENDING_STATUSES` were already waiting. */
  | { kind: "pending"; stored: boolean }
  | { kind: "bad_token" };

/**
 * A tokenless hook whose session closes between lookup and report looks
 * again; more than one retry only happens while sessions in that cwd keep
 * closing under it.
 */
const MAX_ANONYMOUS_ATTEMPTS = 3;

/**
 * Resolves the session a hook belongs to and reports its status there with
 * source `hook`. A token scopes the hook to exactly its own live session
 * (pid and cwd are ignored), on a mesh of any profile; without one, only a
 * session of a `claudemesh` mesh can be found: by (pid, cwd), else by the
 * most recent cwd match, else the status waits as pending (at most
 * `maxPendingStatuses` of them). A tokenless report may change a status but
 * never renews an unchanged one, so it cannot hold `working` past the TTL.
 */
export async function applyHookStatus(
  deps: { sql: Sql; status: StatusService; config: { maxPendingStatuses: number } },
  hook: HookReport,
): Promise<HookOutcome> {
  if (hook.token !== undefined) {
    const report: PresenceStatusReport = { status: hook.status, source: "hook" };
    const presenceId = await findPresenceByHookToken(deps.sql, hashHookToken(hook.token));
    // A session that closed in between took its token with it.
    const update = presenceId === undefined ? undefined : await deps.status.report(presenceId, report);
    if (presenceId === undefined || update === undefined) return { kind: "bad_token" };
    return reported(presenceId, update);
  }
  // The status service hands this report to updatePresenceStatus as it is, `renewsTime` included.
  const report: PresenceStatusReport = { status: hook.status, source: "hook", renewsTime: false };
  for (let attempt = 0; attempt < MAX_ANONYMOUS_ATTEMPTS; attempt++) {
    const presenceId = await findHookTarget(deps.sql, hook);
    if (presenceId === undefined) break;
    const update = await deps.status.report(presenceId, report);
    if (update !== undefined) return reported(presenceId, update);
  }
  const stored = await insertPendingStatus(deps.sql, hook, {
    maxPending: deps.config.maxPendingStatuses,
    windowSeconds: PENDING_STATUS_WINDOW_SECONDS,
  });
  return { kind: "pending", stored };
}

function reported(presenceId: string, update: PresenceStatusUpdate): HookOutcome {
  const { decision, meshId, memberId } = update;
  return decision.kind === "kept"
    ? { kind: "reported", presenceId, meshId, memberId, status: update.before.status, applied: false }
    : { kind: "reported", presenceId, meshId, memberId, status: decision.next.status, applied: true };
}
