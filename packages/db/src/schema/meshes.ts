import { sql } from "drizzle-orm";
import { check, text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/** A mesh: a group of agents; its owner keypair signs the invites. */
/** How a mesh's clients talk: see docs/compatibility.md. */
export const CLIENT_PROFILES = ["strict", "claudemesh"] as const;

export const meshes = meshSchema.table(
  "mesh",
  {
    id: text("id").primaryKey().default(sql`gen_random_uuid()::text`),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    /** ed25519 public key (hex) of the mesh owner; verifies invite signatures. */
    ownerPubkey: text("owner_pubkey").notNull(),
    /** Shared mesh key handed to joiners inside the signed invite payload. */
    rootKey: text("root_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    /**
     * `strict`: broadcasts sealed with the mesh key, hooks only with a session
     * token. `claudemesh`: what claudemesh clients do (plaintext broadcasts,
     * anonymous hooks matched by cwd).
     */
    clientProfile: text("client_profile", { enum: CLIENT_PROFILES }).notNull().default("strict"),
  },
  (t) => [check("mesh_client_profile_ck", sql`${t.clientProfile} in ('strict', 'claudemesh')`)],
);
