import type { Sql } from "@mesh/db";

/** Undelivered queue rows one call deleted, by why nobody can receive them. */
export interface UnreachableEnvelopes {
  /** Addressed to a revoked member. */
  revoked: number;
  /** Addressed to a member of an archived mesh. */
  archived: number;
}

/**
 * Deletes at most `batchSize` undelivered rows of each kind in one
 * statement: rows for a revoked member, and rows for a member of an
 * archived mesh. Neither can be received (a revoked member and an archived
 * mesh say no more hellos), and neither counts against the queue caps. Each
 * kind walks its members' rows by the undelivered (recipient, id) index.
 * Rows another transaction holds are skipped, never waited for.
 */
export async function deleteUnreachableEnvelopes(sql: Sql, batchSize: number): Promise<UnreachableEnvelopes> {
  const [row] = await sql<UnreachableEnvelopes[]>`
    with revoked as (
      delete from mesh.message_queue
      where id = any(array(
        select q.id from mesh.member m
        join mesh.message_queue q on q.recipient_member_id = m.id and q.delivered_at is null
        where m.revoked_at is not null
        limit ${batchSize}
        for update of q skip locked))
      returning 1
    ), archived as (
      delete from mesh.message_queue
      where id = any(array(
        select q.id from mesh.mesh h
        join mesh.member m on m.mesh_id = h.id and m.revoked_at is null
        join mesh.message_queue q on q.recipient_member_id = m.id and q.delivered_at is null
        where h.archived_at is not null
        limit ${batchSize}
        for update of q skip locked))
      returning 1
    )
    select (select count(*) from revoked)::int as revoked, (select count(*) from archived)::int as archived`;
  return { revoked: row?.revoked ?? 0, archived: row?.archived ?? 0 };
}
