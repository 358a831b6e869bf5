import type { Sql } from "@mesh/db";
import type { Logger } from "../lib/logger.ts";
import { createPeriodicTask, type PeriodicTask } from "../lib/periodic-task.ts";
import { expirePendingStatuses } from "./expire-pending-statuses.ts";
import { PENDING_STATUS_WINDOW_SECONDS } from "./pending-status.ts";

/** Deletes hook statuses that waited for a hello longer than the pending window. */
export function createPendingStatusSweeper(deps: { sql: Sql; log: Logger; intervalMs: number }): PeriodicTask {
  return createPeriodicTask({
    name: "pending-status",
    intervalMs: deps.intervalMs,
    log: deps.log,
    run: async () => {
      const expired = await expirePendingStatuses(deps.sql, PENDING_STATUS_WINDOW_SECONDS);
      if (expired > 0) deps.log.debug({ expired }, "pending statuses expired");
    },
  });
}
