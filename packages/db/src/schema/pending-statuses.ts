import { sql } from "drizzle-orm";
import { bigint, check, index, integer, text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/**
 * Hook signals that arrived before any session matched them (the first-turn
 * race). No foreign keys: they name a process, not a member.
 */
export const pendingStatuses = meshSchema.table(
  "pending_status",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    pid: integer("pid"),
    cwd: text("cwd").notNull(),
    status: text("status", { enum: ["idle", "working", "dnd"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
  },
  (t) => [
    index("pending_status_open_idx").on(t.cwd, t.pid).where(sql`${t.appliedAt} is null`),
    index("pending_status_created_idx").on(t.createdAt),
    check("pending_status_status_ck", sql`${t.status} in ('idle', 'working', 'dnd')`),
  ],
);
