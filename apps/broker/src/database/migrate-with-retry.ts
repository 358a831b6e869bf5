import { isDatabaseUnavailable, type MigrationResult, runMigrations, type Sql } from "@mesh/db";
import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";

/**
 * Runs `step`, retrying while Postgres is unavailable (still starting next to
 * us, its host name not resolvable yet, out of connection slots) for up to
 * `timeoutMs`; then gives up. Any other failure is thrown at once.
 */
export async function retryWhileUnavailable<T>(step: () => Promise<T>, log: Logger, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5000)) {
    try {
      return await step();
    } catch (e: unknown) {
      const err = toError(e);
      if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline) throw err;
      log.warn({ err, attempt, retry_in_ms: delay }, "db ping failed");
      await Bun.sleep(delay);
    }
  }
}

/** Applies pending migrations, retrying while Postgres is unavailable. */
export function migrateWithRetry(sql: Sql, log: Logger, timeoutMs = 60_000): Promise<MigrationResult> {
  return retryWhileUnavailable(() => runMigrations(sql), log, timeoutMs);
}
