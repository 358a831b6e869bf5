import { sql } from "drizzle-orm";
import { check, index, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";
import { meshes } from "./meshes.ts";

/** An identity (ed25519 public key) enrolled in one mesh. */
export const members = meshSchema.table(
  "member",
  {
    id: text("id").primaryKey().default(sql`gen_random_uuid()::text`),
    meshId: text("mesh_id")
      .notNull()
      .references(() => meshes.id, { onDelete: "cascade" }),
    pubkey: text("pubkey").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role", { enum: ["admin", "member"] })
      .notNull()
      .default("member"),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("member_mesh_pubkey_uq").on(t.meshId, t.pubkey),
    // Peers are told apart by name (`mesh send --to bob`): one live holder per name, ignoring case.
    uniqueIndex("member_mesh_display_name_uq")
      .on(t.meshId, sql`lower(${t.displayName})`)
      .where(sql`${t.revokedAt} is null`),
    index("member_mesh_active_idx").on(t.meshId).where(sql`${t.revokedAt} is null`),
    check("member_role_ck", sql`${t.role} in ('admin', 'member')`),
  ],
);
