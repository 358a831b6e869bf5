import { pgSchema } from "drizzle-orm/pg-core";

/** Every table of the broker lives in the `mesh` Postgres schema. */
export const meshSchema = pgSchema("mesh");
