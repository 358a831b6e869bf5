import { defineConfig } from "drizzle-kit";

// drizzle-kit reads DATABASE_URL only for `drizzle-kit migrate`; `generate`
// works offline from the schema files.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./migrations",
  schemaFilter: ["mesh"],
  dbCredentials: { url: process.env.DATABASE_URL ?? "" },
});
