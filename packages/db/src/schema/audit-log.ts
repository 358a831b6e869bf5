import { bigint, index, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/** Who did what to whom, and when. Metadata only: never envelope content. */
export const auditLog = meshSchema.table(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    event: text("event").notNull(),
    meshId: text("mesh_id"),
    actor: text("actor"),
    target: text("target"),
    detail: jsonb("detail").$type<Record<string, string | number | boolean | null>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_mesh_created_idx").on(t.meshId, t.createdAt)],
);
