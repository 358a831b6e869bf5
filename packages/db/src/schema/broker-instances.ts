import { index, integer, text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/** One row per running broker process; a survivor reaps a silent one's sessions. */
export const brokerInstances = meshSchema.table(
  "broker_instance",
  {
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull(),
    pid: integer("pid").notNull(),
    version: text("version").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
  },
  (t) => [index("broker_instance_heartbeat_idx").on(t.heartbeatAt)],
);
