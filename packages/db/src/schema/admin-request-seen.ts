import { bigint, index, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/**
 * Signed admin requests already accepted, by (signing key, signed
 * timestamp): an admin request is only valid within 60 s of its timestamp,
 * so a captured one replayed within that window is refused by the primary
 * key (docs/admin-api.md#replays). No foreign key: the signer is a mesh
 * owner's key, not a member. Rows older than the window are swept.
 */
export const adminRequestSeen = meshSchema.table(
  "admin_request_seen",
  {
    signerPubkey: text("signer_pubkey").notNull(),
    requestTimestamp: bigint("request_timestamp", { mode: "number" }).notNull(),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "admin_request_seen_pk", columns: [t.signerPubkey, t.requestTimestamp] }),
    index("admin_request_seen_seen_at_idx").on(t.seenAt),
  ],
);
