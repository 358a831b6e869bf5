import { sql } from "drizzle-orm";
import { bigint, check, index, integer, text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/**
 * One row per recipient per envelope: a broadcast fans out at send time, so
 * each recipient's delivery state (lease, delivery) is its own. What the
 * envelope carries is stored once, in its `envelope` row: these rows are
 * small facts, so a broadcast costs one body and N slim rows, and the claim
 * and ack updates rewrite little.
 *
 * No foreign keys on the hot tables (here and `envelope`): each would cost
 * a key-share lock on the member or mesh row per inserted row, and
 * concurrent stores to one member would share those locks (multixacts).
 * Rows are only written by the store statement, which resolves sender and
 * recipients from `member` in the same statement, and members and meshes
 * are never deleted (revoked and archived instead).
 */
export const messageQueue = meshSchema.table(
  "message_queue",
  {
    /** Monotonic row id: the drain order (oldest first). */
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The envelope id the sender is told; shared by every row of a broadcast. */
    messageId: text("message_id").notNull(),
    meshId: text("mesh_id").notNull(),
    senderMemberId: text("sender_member_id").notNull(),
    recipientMemberId: text("recipient_member_id").notNull(),
    /** The `envelope` row holding what it carries (no foreign key: it outlives every push of its rows). */
    envelopeId: bigint("envelope_id", { mode: "number" }).notNull(),
    priority: text("priority", { enum: ["now", "next", "low"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    /** At-least-once delivery: the presence holding the push until it acks. */
    leasePresenceId: text("lease_presence_id"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    /**
     * A direct send to a session key: only that presence takes the row while
     * it is live; once it is gone, the member's next session does.
     */
    targetPresenceId: text("target_presence_id"),
  },
  // Every index here is paid on each insert and each non-HOT update (claim, ack): keep only those a query uses.
  (t) => [
    index("message_queue_undelivered_idx").on(t.recipientMemberId, t.id).where(sql`${t.deliveredAt} is null`),
    /** The retention sweep deletes rows delivered longer ago than the retention period by this index. */
    index("message_queue_delivered_at_idx").on(t.deliveredAt).where(sql`${t.deliveredAt} is not null`),
    /** The retention sweep finds expired, never delivered rows by this index; rows without an expiry stay out of it. */
    index("message_queue_undelivered_expires_idx")
      .on(t.expiresAt)
      .where(sql`${t.expiresAt} is not null and ${t.deliveredAt} is null`),
    /**
     * Rows waiting for a session: undelivered and unleased. A send asks here whether anything older waits for its
     * recipient before storing its row already leased to a session (no entry for rows leased at insert).
     */
    index("message_queue_waiting_idx")
      .on(t.recipientMemberId, t.priority)
      .where(sql`${t.deliveredAt} is null and ${t.leasePresenceId} is null`),
    /** A closing session releases its leases by this index (else a scan of every undelivered row per close). */
    index("message_queue_lease_idx")
      .on(t.leasePresenceId)
      .where(sql`${t.leasePresenceId} is not null and ${t.deliveredAt} is null`),
    check("message_queue_priority_ck", sql`${t.priority} in ('now', 'next', 'low')`),
  ],
);
