import type { Sql } from "@mesh/db";
import type { Status, StatusSource } from "@mesh/shared";

/** A live presence's status as Postgres holds it. */
export interface StoredStatus {
  presenceId: string;
  status: Status;
  source: StatusSource;
  /** Milliseconds since the epoch, the database's clock. */
  updatedMs: number;
}

/** Which live presences to read. */
export type StatusSelector =
  /** These presences (a wake-up named them). */
  | { presenceIds: readonly string[] }
  /** An instance's presences, only those changed after `changedAfterMs` when given. */
  | { instanceId: string; changedAfterMs?: number };

/**
 * The statuses of live presences, and the database's clock when read (so
 * the next read can ask only for what changed since).
 */
export async function readPresenceStatuses(
  sql: Sql,
  selector: StatusSelector,
): Promise<{ statuses: StoredStatus[]; readAtMs: number }> {
  const where =
    "presenceIds" in selector
      ? sql`id = any(${selector.presenceIds as string[]}::text[])`
      : selector.changedAfterMs === undefined
        ? sql`instance_id = ${selector.instanceId}`
        : sql`instance_id = ${selector.instanceId}
              and status_updated_at > to_timestamp(${selector.changedAfterMs / 1000}::float8)`;
  // One aggregate row, even when no presence matches: the clock comes back either way.
  const [row] = await sql<{ statuses: StoredStatus[]; readAtMs: number }[]>`
    select (extract(epoch from now()) * 1000)::float8 as "readAtMs",
           coalesce(json_agg(json_build_object(
             'presenceId', id, 'status', status, 'source', status_source,
             'updatedMs', (extract(epoch from status_updated_at) * 1000)::float8)), '[]') as statuses
    from mesh.presence
    where disconnected_at is null and ${where}`;
  return { statuses: row?.statuses ?? [], readAtMs: row?.readAtMs ?? Date.now() };
}
