import { sql } from "drizzle-orm";
import { check, index, integer, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { members } from "./members.ts";
import { meshSchema } from "./mesh-schema.ts";
import { meshes } from "./meshes.ts";

/** One row per WebSocket session, owned by the broker instance holding it. */
export const presences = meshSchema.table(
  "presence",
  {
    id: text("id").primaryKey().default(sql`gen_random_uuid()::text`),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    meshId: text("mesh_id")
      .notNull()
      .references(() => meshes.id, { onDelete: "cascade" }),
    instanceId: text("instance_id").notNull(),
    sessionId: text("session_id").notNull(),
    pid: integer("pid"),
    cwd: text("cwd"),
    status: text("status", { enum: ["idle", "working", "dnd"] })
      .notNull()
      .default("idle"),
    statusSource: text("status_source", { enum: ["hook", "manual", "heartbeat"] })
      .notNull()
      .default("heartbeat"),
    statusUpdatedAt: timestamp("status_updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** SHA-256 (hex) of the session's hook token; the token itself is never stored. */
    hookTokenHash: text("hook_token_hash"),
    connectedAt: timestamp("connected_at", { withTimezone: true }).notNull().defaultNow(),
    lastPingAt: timestamp("last_ping_at", { withTimezone: true }).notNull().defaultNow(),
    disconnectedAt: timestamp("disconnected_at", { withTimezone: true }),
    /** The session's own ed25519 key (claudemesh 1.x `sessionPubkey`), when it has one: it seals and is addressed. */
    sessionPubkey: text("session_pubkey"),
    /** What the agent says it is doing (`set_summary`), shown in `peers_list`. */
    summary: text("summary"),
  },
  (t) => [
    index("presence_mesh_live_idx").on(t.meshId).where(sql`${t.disconnectedAt} is null`),
    index("presence_member_live_idx").on(t.memberId).where(sql`${t.disconnectedAt} is null`),
    index("presence_instance_live_idx").on(t.instanceId).where(sql`${t.disconnectedAt} is null`),
    index("presence_cwd_live_idx").on(t.cwd, t.pid).where(sql`${t.disconnectedAt} is null`),
    index("presence_working_live_idx")
      .on(t.statusUpdatedAt)
      .where(sql`${t.disconnectedAt} is null and ${t.status} = 'working'`),
    uniqueIndex("presence_hook_token_uq").on(t.hookTokenHash),
    /** The retention sweep finds presences that ended long ago by this index, not by reading them all. */
    index("presence_disconnected_idx").on(t.disconnectedAt).where(sql`${t.disconnectedAt} is not null`),
    /** A direct send to a session key finds its presence (live or recent) by this index. */
    index("presence_session_pubkey_idx").on(t.meshId, t.sessionPubkey).where(sql`${t.sessionPubkey} is not null`),
    check("presence_status_ck", sql`${t.status} in ('idle', 'working', 'dnd')`),
    check("presence_source_ck", sql`${t.statusSource} in ('hook', 'manual', 'heartbeat')`),
  ],
);
