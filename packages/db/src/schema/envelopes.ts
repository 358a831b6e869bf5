import { sql } from "drizzle-orm";
import { bigint, index, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/**
 * One row per accepted `send`: what it carries (nonce, ciphertext, who
 * sealed it) stored once, however many recipients it has, and the sender's
 * idempotency key. Its recipients are `message_queue` rows naming it.
 */
export const envelopes = meshSchema.table(
  "envelope",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The envelope id the sender is told. */
    messageId: text("message_id").notNull(),
    meshId: text("mesh_id").notNull(),
    senderMemberId: text("sender_member_id").notNull(),
    /** The sending session's own key, when it had one: pushed as `senderPubkey` (it sealed the envelope). */
    senderSessionPubkey: text("sender_session_pubkey"),
    /** `*`, a member's key, or a session key, as the sender wrote it. */
    targetSpec: text("target_spec").notNull(),
    nonce: text("nonce").notNull(),
    ciphertext: text("ciphertext").notNull(),
    /** The sender's correlation id (`send.id`): a retry with it within the idempotency window is a duplicate. */
    clientId: text("client_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * When the row may go: no recipient row can be pushed after its expiry,
     * and a key is remembered for the idempotency window.
     */
    keepUntil: timestamp("keep_until", { withTimezone: true }).notNull(),
  },
  (t) => [
    /** The idempotency key: a concurrent retry loses the race instead of storing twice. */
    uniqueIndex("envelope_client_id_uq").on(t.senderMemberId, t.clientId).where(sql`${t.clientId} is not null`),
    /** The retention sweep deletes rows past their `keep_until` by this index. */
    index("envelope_keep_until_idx").on(t.keepUntil),
  ],
);
