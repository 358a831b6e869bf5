import { type MigrationResult, runMigrations, type Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";

/**
 * Applies pending migrations, retrying while Postgres is unreachable (it may
 * still be starting next to us) for up to `timeoutMs`; then gives up.
 */
export async function migrateWithRetry(sql: Sql, log: Logger, timeoutMs = 60_000): Promise<MigrationResult> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5000)) {
    try {
      return await runMigrations(sql);
    } catch (e: unknown) {
      const err = toError(e);
      if (!isConnectionError(err) || Date.now() + delay > deadline) throw err;
      log.warn({ err, attempt, retry_in_ms: delay }, "db ping failed");
      await Bun.sleep(delay);
    }
  }
}

/** postgres.js connection failures, as opposed to SQL errors a retry cannot fix. */
function isConnectionError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === "string" &&
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "CONNECT_TIMEOUT",
      "CONNECTION_CLOSED",
      "CONNECTION_ENDED",
      "CONNECTION_DESTROYED",
      "57P03",
    ].includes(code)
  );
}
