import { bigint, index, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { members } from "./members.ts";
import { meshSchema } from "./mesh-schema.ts";

/**
 * Hellos already accepted, by (member, signed timestamp): a hello is only
 * valid within 60 s of its timestamp, and the signature covers nothing else
 * that changes, so a captured hello replayed within that window is refused
 * by the primary key. Rows older than the window are swept.
 */
export const helloSeen = meshSchema.table(
  "hello_seen",
  {
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    helloTimestamp: bigint("hello_timestamp", { mode: "number" }).notNull(),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.helloTimestamp] }), index("hello_seen_seen_at_idx").on(t.seenAt)],
);
