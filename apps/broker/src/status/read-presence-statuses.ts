import type { PresenceRow, Sql } from "@mesh/db";

/** A live presence's status as Postgres holds it. */
export type StoredStatus = { presenceId: PresenceRow["id"] } & Pick<
  PresenceRow,
  "status" | "statusSource" | "statusUpdatedAt"
>;

/** Which live presences to read. */
export type StatusSelector =
  /** These presences (a wake-up named them). */
  | { presenceIds: readonly string[] }
  /** An instance's presences, only those changed after `changedAfter` when given. */
  | { instanceId: string; changedAfter?: Date | undefined };

/**
 * The statuses of live presences, and the database's clock when read (so
 * the next read can ask only for what changed since).
 */
export async function readPresenceStatuses(
  sql: Sql,
  selector: StatusSelector,
): Promise<{ statuses: StoredStatus[]; readAt: Date }> {
  const where =
    "presenceIds" in selector
      ? sql`p.id = any(${selector.presenceIds as string[]}::text[])`
      : selector.changedAfter === undefined
        ? sql`p.instance_id = ${selector.instanceId}`
        : sql`p.instance_id = ${selector.instanceId} and p.status_updated_at > ${selector.changedAfter}`;
  // Joined to one constant row, so the clock comes back even when no presence matches.
  const rows = await sql<({ readAt: Date } & (StoredStatus | { [K in keyof StoredStatus]: null }))[]>`
    select now() as "readAt", p.id as "presenceId", p.status, p.status_source as "statusSource",
           p.status_updated_at as "statusUpdatedAt"
    from (select 1) as one
    left join mesh.presence p on p.disconnected_at is null and ${where}`;
  const statuses: StoredStatus[] = [];
  for (const { readAt: _, ...s } of rows) if (s.presenceId !== null) statuses.push(s as StoredStatus);
  return { statuses, readAt: rows[0]?.readAt ?? new Date() };
}
