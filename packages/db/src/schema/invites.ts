import { sql } from "drizzle-orm";
import { check, integer, text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";
import { meshes } from "./meshes.ts";

/** A signed, limited-use invitation to join a mesh. */
export const invites = meshSchema.table(
  "invite",
  {
    token: text("token").primaryKey(),
    meshId: text("mesh_id")
      .notNull()
      .references(() => meshes.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["admin", "member"] })
      .notNull()
      .default("member"),
    maxUses: integer("max_uses").notNull().default(1),
    usedCount: integer("used_count").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** The exact canonical string the owner signed (docs/protocol.md#invite-signing-string). */
    signedPayload: text("signed_payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("invite_role_ck", sql`${t.role} in ('admin', 'member')`),
    check("invite_uses_ck", sql`${t.maxUses} > 0 and ${t.usedCount} >= 0 and ${t.usedCount} <= ${t.maxUses}`),
  ],
);
