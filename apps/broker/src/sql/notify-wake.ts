import type { Queryable } from "@mesh/db";

/** The channel every instance LISTENs on for wake-ups from the others (SPEC §9). */
export const WAKE_CHANNEL = "mesh_wake";

/**
 * Ids one notification names at most. Postgres refuses payloads of 8000
 * bytes or more; 150 ids of 36 characters stay well under that. Past it the
 * notification says `all` and every other instance drains all its sessions.
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
 * Inside the transaction that made envelopes deliverable: one `pg_notify`
 * naming the members and presences among `targets` that have a live session
 * on an instance other than `origin`. Postgres delivers it at commit, and
 * never if the transaction rolls back; when no other instance holds any of
 * them, nothing is sent. Notifications are hints: each instance's repair
 * drain delivers what a lost one missed.
 */
export async function notifyWake(sql: Queryable, origin: string, targets: WakeTargets): Promise<void> {
  const members = [...new Set(targets.memberIds ?? [])];
  const presences = [...new Set(targets.presenceIds ?? [])];
  if (members.length === 0 && presences.length === 0) return;
  await sql`
    with elsewhere as (
      select p.id, p.member_id, p.id = any(${presences}::text[]) as named_presence,
             p.member_id = any(${members}::text[]) as named_member
      from mesh.presence p
      where p.disconnected_at is null and p.instance_id <> ${origin}
        and (p.member_id = any(${members}::text[]) or p.id = any(${presences}::text[]))
    ), named as (
      select coalesce(array_agg(distinct member_id) filter (where named_member), '{}') as m,
             coalesce(array_agg(id) filter (where named_presence), '{}') as p
      from elsewhere
    )
    select pg_notify(${WAKE_CHANNEL},
      case when cardinality(m) + cardinality(p) > ${MAX_WAKE_IDS}
           then json_build_object('from', ${origin}::text, 'all', true)
           else json_build_object('from', ${origin}::text, 'm', m, 'p', p) end::text)
    from named
    where cardinality(m) + cardinality(p) > 0`;
}
