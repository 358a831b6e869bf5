import type { Sql } from "@mesh/db";
import { parseSnapshot, type QueueCount } from "./queue-ledger.ts";

/** A count of the queue, with what the gauges show besides the ledger's counts. */
export interface QueueCensus extends QueueCount {
  /** Every counted row. */
  total: number;
  /** Age of the oldest counted row, 0 when there is none. */
  oldestSeconds: number;
}

interface CensusRow {
  meshId: string | null;
  recipientId: string | null;
  pubkey: string | null;
  senderId: string | null;
  rows: number | null;
  oldestSeconds: number | null;
  overdue: number;
  snapshot: string;
}

/**
 * Counts the undelivered queue rows that hold a place under the queue
 * bounds, per mesh, per recipient and per sender: unexpired (a row stored
 * without an expiry expires `maxAgeSeconds` after it was stored), for a
 * recipient that is not revoked, in a mesh that is not archived. One scan
 * of the undelivered rows, grouped by (mesh, recipient, sender) before the
 * few groups are joined and summed. Also counts the members of each mesh,
 * and the rows stored without an expiry that are past the max age.
 */
export async function countUndelivered(sql: Sql, maxAgeSeconds: number): Promise<QueueCensus> {
  const maxAge = sql`make_interval(secs => ${maxAgeSeconds})`;
  const [rows, members] = await Promise.all([
    sql<CensusRow[]>`
      with g as (
        select q.mesh_id, q.recipient_member_id, q.sender_member_id,
               count(*) filter (where coalesce(q.expires_at, q.created_at + ${maxAge}) > now()) as n,
               min(q.created_at) filter (where coalesce(q.expires_at, q.created_at + ${maxAge}) > now()) as oldest,
               count(*) filter (where q.expires_at is null and q.created_at + ${maxAge} <= now()) as overdue
        from mesh.message_queue q
        where q.delivered_at is null
        group by q.mesh_id, q.recipient_member_id, q.sender_member_id
      ), live as (
        select g.mesh_id, g.recipient_member_id, r.pubkey, g.sender_member_id, g.n, g.oldest
        from g
        join mesh.member r on r.id = g.recipient_member_id and r.revoked_at is null
        join mesh.mesh h on h.id = g.mesh_id and h.archived_at is null
        where g.n > 0
      )
      select mesh_id as "meshId", recipient_member_id as "recipientId", pubkey, sender_member_id as "senderId",
             sum(n)::int as rows, extract(epoch from now() - min(oldest))::float8 as "oldestSeconds",
             (select coalesce(sum(overdue), 0)::int from g) as overdue,
             -- Which commits this count has seen: its own snapshot (the statement's), against which the ledger
             -- tests each commit's transaction id. One it saw was counted here, or its rows were gone already.
             pg_current_snapshot()::text as snapshot
      from live
      group by grouping sets ((mesh_id), (mesh_id, recipient_member_id, pubkey), (sender_member_id), ())`,
    sql<{ meshId: string; n: number }[]>`
      select mesh_id as "meshId", count(*)::int as n from mesh.member where revoked_at is null group by mesh_id`,
  ]);
  const meshes = new Map<string, number>();
  const recipients = new Map<string, { meshId: string; pubkey: string; rows: number }>();
  const senders = new Map<string, number>();
  let totals: CensusRow | undefined;
  for (const r of rows) {
    const n = r.rows ?? 0;
    if (r.recipientId !== null && r.meshId !== null) {
      recipients.set(r.recipientId, { meshId: r.meshId, pubkey: r.pubkey ?? "", rows: n });
    } else if (r.meshId !== null) meshes.set(r.meshId, n);
    else if (r.senderId !== null) senders.set(r.senderId, n);
    else totals = r;
  }
  return {
    meshes,
    recipients,
    senders,
    members: new Map(members.map((m) => [m.meshId, m.n])),
    overdueWithoutExpiry: totals?.overdue ?? 0,
    // Every row of the statement carries the same snapshot; an empty queue still yields the grand total's row.
    snapshot: parseSnapshot(rows[0]?.snapshot ?? "0:0:"),
    total: totals?.rows ?? 0,
    oldestSeconds: Math.max(0, totals?.oldestSeconds ?? 0),
  };
}

/** Members holding more than `threshold` rows as recipients or as senders (each counted once). */
export function membersOverShare(count: Pick<QueueCount, "recipients" | "senders">, threshold: number): number {
  const over = new Set<string>();
  for (const [id, r] of count.recipients) if (r.rows > threshold) over.add(id);
  for (const [id, n] of count.senders) if (n > threshold) over.add(id);
  return over.size;
}
