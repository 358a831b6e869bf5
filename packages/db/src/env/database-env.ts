import { z } from "zod";
import { type EnvProblem, type EnvVariables, envProblem, NO_DEFAULT, parseEnvironment } from "./env-variable.ts";
import { integerVariable } from "./integer-variable.ts";

const NODE_ENVS = ["development", "production", "test"] as const;

/** A DATABASE_URL is logged when refused: keep its shape, never its credentials. */
export function redactCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/**
 * The variables that say which database to use and how, read alike by the
 * broker, `pnpm db:migrate` and `mesh admin`: the same environment means the
 * same database everywhere.
 */
export const DATABASE_ENV_VARIABLES = {
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "is not a postgres:// or postgresql:// URL")
      .optional(),
    shownDefault: NO_DEFAULT,
    accepted: "a postgres:// or postgresql:// URL",
    meaning:
      "the Postgres to use; required when NODE_ENV=production, else unset starts an embedded Postgres (development only)",
    redact: redactCredentials,
  },
  BROKER_DATA_DIR: {
    schema: z.string().min(1).optional(),
    shownDefault: ".data/postgres in the checkout",
    accepted: "a folder path",
    meaning: "the embedded Postgres's folder; ignored when DATABASE_URL is set",
  },
  NODE_ENV: {
    schema: z.enum(NODE_ENVS, { error: "is not an accepted value" }).default("development"),
    shownDefault: "development (production in the image)",
    accepted: "development, production or test",
    meaning: "production requires DATABASE_URL and refuses anonymous hooks by default",
  },
  DB_POOL_SIZE: integerVariable({
    fallback: 10,
    min: 2,
    max: 1000,
    meaning:
      "Postgres connections per broker process (at least 2: migrations hold one for their lock); the server's max_connections must exceed instances × this",
  }),
} as const satisfies EnvVariables;

/** The database settings, parsed. */
export interface DatabaseEnv {
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  nodeEnv: (typeof NODE_ENVS)[number];
  poolSize: number;
}

/** The rule across variables: production never falls back to the embedded Postgres. */
export function databaseEnvProblem(values: {
  DATABASE_URL?: string | undefined;
  NODE_ENV: string;
}): EnvProblem | undefined {
  if (values.NODE_ENV !== "production" || values.DATABASE_URL) return undefined;
  return envProblem(
    DATABASE_ENV_VARIABLES,
    "DATABASE_URL",
    undefined,
    "is required when NODE_ENV=production (the embedded Postgres is for development only)",
  );
}

/**
 * Parses the database variables of `env`; never throws. A refusal says
 * whether a value was `invalid` or the production rule left the URL `missing`.
 */
export function parseDatabaseEnv(
  env: Record<string, string | undefined>,
): { ok: true; env: Readonly<DatabaseEnv> } | { ok: false; refusal: "invalid" | "url_missing"; problem: EnvProblem } {
  const parsed = parseEnvironment(DATABASE_ENV_VARIABLES, env);
  if (!parsed.ok) return { ...parsed, refusal: "invalid" };
  const v = parsed.values;
  const problem = databaseEnvProblem(v);
  if (problem) return { ok: false, refusal: "url_missing", problem };
  return {
    ok: true,
    env: Object.freeze({
      databaseUrl: v.DATABASE_URL,
      dataDir: v.BROKER_DATA_DIR,
      nodeEnv: v.NODE_ENV,
      poolSize: v.DB_POOL_SIZE,
    }),
  };
}

/** Where the database is: a server, or the embedded cluster in a folder. */
export type DatabaseSource = { kind: "url"; url: string } | { kind: "embedded"; dataDir: string };

/** `DATABASE_URL`, else the embedded cluster in `BROKER_DATA_DIR` or the default folder. */
export function databaseSource(env: DatabaseEnv, defaultDataDir: () => string): DatabaseSource {
  if (env.databaseUrl) return { kind: "url", url: env.databaseUrl };
  return { kind: "embedded", dataDir: env.dataDir ?? defaultDataDir() };
}
