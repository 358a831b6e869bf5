import { bigint, index, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { members } from "./members.ts";
import { meshSchema } from "./mesh-schema.ts";

/**
 * Hellos already accepted, by (member, signing key, signed timestamp): a
 * hello is only valid within 60 s of its timestamp, and the signature covers
 * nothing else that changes, so a captured hello replayed within that window
 * is refused by the primary key. A member's own hellos have an empty
 * `signer_pubkey`; a `session_hello` records the session key that signed it.
 * Rows older than the window are swept.
 */
export const helloSeen = meshSchema.table(
  "hello_seen",
  {
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    signerPubkey: text("signer_pubkey").notNull().default(""),
    helloTimestamp: bigint("hello_timestamp", { mode: "number" }).notNull(),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "hello_seen_pk", columns: [t.memberId, t.signerPubkey, t.helloTimestamp] }),
    index("hello_seen_seen_at_idx").on(t.seenAt),
  ],
);
