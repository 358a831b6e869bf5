import { sql } from "drizzle-orm";
import { text, timestamp } from "drizzle-orm/pg-core";
import { meshSchema } from "./mesh-schema.ts";

/** A mesh: a group of agents; its owner keypair signs the invites. */
export const meshes = meshSchema.table("mesh", {
  id: text("id").primaryKey().default(sql`gen_random_uuid()::text`),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  /** ed25519 public key (hex) of the mesh owner; verifies invite signatures. */
  ownerPubkey: text("owner_pubkey").notNull(),
  /** Shared mesh key handed to joiners inside the signed invite payload. */
  rootKey: text("root_key").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  archivedAt: timestamp("archived_at", { withTimezone: true }),
});
