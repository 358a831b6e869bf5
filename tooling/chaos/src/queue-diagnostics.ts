import type { Sql } from "@mesh/db";
import type { AppCounter } from "./app-counter.ts";

/** What the queue says about a scenario: the idempotency check, and the rows behind a red row. */
export const queueDiagnostics = {
  /**
   * Rows beyond the first per (sender, send id, recipient): a retried send
   * queued twice (two envelopes cannot hold one key, but a send stored under
   * two envelopes, one keyed, would show here), or one envelope fanned out
   * twice to a recipient.
   */
  async duplicateRows(sql: Sql, meshId: string): Promise<number> {
    const [row] = await sql<{ extra: number }[]>`
      select coalesce(sum(n - 1), 0)::int as extra from (
        select count(*) as n from mesh.message_queue q join mesh.envelope e on e.id = q.envelope_id
        where q.mesh_id = ${meshId}
        group by e.sender_member_id, coalesce(e.client_id, e.id::text), q.recipient_member_id
      ) g`;
    return row?.extra ?? 0;
  },

  /** Rows pushed more than once (a lease released or run out, then claimed again), and rows never acknowledged. */
  async redeliveries(sql: Sql, meshId: string): Promise<{ pushedAgain: number; unacknowledged: number }> {
    const [row] = await sql<{ pushedAgain: number; unacknowledged: number }[]>`
      select count(*) filter (where attempts > 1)::int as "pushedAgain",
             count(*) filter (where delivered_at is null)::int as unacknowledged
      from mesh.message_queue where mesh_id = ${meshId}`;
    return row ?? { pushedAgain: 0, unacknowledged: 0 };
  },

  /** The lost pairs (up to 50) with the state of their queue rows, and the sends handled under two ids. */
  async explain(sql: Sql, counter: AppCounter): Promise<Record<string, unknown>> {
    const lost = counter.lostPairs();
    const rows =
      lost.length === 0
        ? []
        : await sql<Record<string, unknown>[]>`
            select q.id::text as "brokerMessageId", q.message_id as "messageId", e.client_id as "sendId",
                   q.recipient_member_id as recipient, q.created_at as "createdAt", q.delivered_at as "deliveredAt",
                   q.lease_presence_id as "leasePresenceId", q.lease_expires_at as "leaseExpiresAt", q.attempts
            from mesh.message_queue q left join mesh.envelope e on e.id = q.envelope_id
            where q.message_id = any(${lost.map((l) => l.messageId)}::text[])
              and q.recipient_member_id = any(${lost.map((l) => l.recipient)}::text[])
            order by q.id`;
    return { lost, rows, splitSends: counter.splitSends() };
  },
};
