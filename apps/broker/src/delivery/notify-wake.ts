import type { Queryable, SqlFragment } from "@mesh/db";

/** The channel every instance LISTENs on for wake-ups from the others (docs/architecture.md#several-instances). */
export const WAKE_CHANNEL = "mesh_wake";

/**
 * Ids one notification names at most. Postgres refuses payloads of 8000
 * bytes or more; 150 ids of 36 characters stay well under that. A commit
 * that wakes more sends one notification per 150 (all delivered at commit,
 * under the one commit-time lock the transaction takes anyway).
 */
export const MAX_WAKE_IDS = 150;

/** What a commit made deliverable, for sessions on other instances. */
export interface WakeTargets {
  /** Members that may have envelopes to take now (a send, released leases). */
  memberIds?: readonly string[];
  /** Presences whose status changed in Postgres (their holder must re-read it). */
  presenceIds?: readonly string[];
}

/**
 * Inside the transaction that made envelopes deliverable: notifies the
 * members and presences among `targets` that have a live session on an
 * instance other than `origin` — one `pg_notify` naming them all (one per
 * {@link MAX_WAKE_IDS}), never one per row. Postgres delivers it at commit,
 * and never if the transaction rolls back; when no other instance holds any
 * of them, nothing is sent. Payload: `{"from": origin, "m": [member ids],
 * "p": [presence ids]}`. Notifications are hints: each instance's repair
 * drain delivers what a lost one missed.
 */
export async function notifyWake(sql: Queryable, origin: string, targets: WakeTargets): Promise<void> {
  const members = [...new Set(targets.memberIds ?? [])];
  const presences = [...new Set(targets.presenceIds ?? [])];
  if (members.length === 0 && presences.length === 0) return;
  await sql`${wakeNotifications(sql, origin, {
    memberIds: sql`select unnest(${members}::text[])`,
    presenceIds: sql`select unnest(${presences}::text[])`,
  })}`;
}

/**
 * {@link notifyWake}'s query, over members and presences given as queries
 * (one column of ids each), to run inside a larger statement: one row per
 * notification sent.
 */
export function wakeNotifications(
  sql: Queryable,
  origin: string,
  targets: { memberIds: SqlFragment; presenceIds?: SqlFragment },
): SqlFragment {
  return sql`
    with elsewhere as (
      select distinct 'm' as kind, p.member_id as id from mesh.presence p
      where p.disconnected_at is null and p.instance_id <> ${origin} and p.member_id in (${targets.memberIds})
      union all
      select 'p', p.id from mesh.presence p
      where p.disconnected_at is null and p.instance_id <> ${origin}
        and p.id in (${targets.presenceIds ?? sql`select null::text where false`})
    ), numbered as (
      select kind, id, (row_number() over (order by kind, id) - 1) / ${MAX_WAKE_IDS} as chunk from elsewhere
    )
    select pg_notify(${WAKE_CHANNEL}, json_build_object(
             'from', ${origin}::text,
             'm', coalesce(array_agg(id) filter (where kind = 'm'), '{}'),
             'p', coalesce(array_agg(id) filter (where kind = 'p'), '{}'))::text)
    from numbered
    group by chunk`;
}
