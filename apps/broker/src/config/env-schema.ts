import { z } from "zod";

const PINO_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/**
 * Every environment variable the broker reads, with the accepted range shown
 * to an operator when a value is refused.
 */
export const ENV_VARIABLES = {
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "not a postgres:// or postgresql:// URL")
      .optional(),
    accepted: "a postgres:// or postgresql:// URL",
  },
  BROKER_PORT: {
    schema: z.coerce.number().int().min(1).max(65535).default(7900),
    accepted: "an integer from 1 to 65535",
  },
  BROKER_HOST: {
    schema: z.string().min(1).default("0.0.0.0"),
    accepted: "a hostname or IP address to listen on",
  },
  BROKER_DATA_DIR: {
    schema: z.string().min(1).optional(),
    accepted: "a folder path for the embedded Postgres",
  },
  STATUS_TTL_SECONDS: { schema: positiveInt(60), accepted: "an integer > 0" },
  HOOK_FRESH_WINDOW_SECONDS: { schema: positiveInt(30), accepted: "an integer > 0" },
  MAX_CONNECTIONS_PER_MESH: { schema: positiveInt(100), accepted: "an integer > 0" },
  MAX_MESSAGE_BYTES: { schema: positiveInt(65536), accepted: "an integer > 0" },
  HOOK_RATE_LIMIT_PER_MIN: { schema: positiveInt(30), accepted: "an integer > 0" },
  HOOK_ALLOW_ANONYMOUS: {
    schema: booleanFlag.optional(),
    accepted: "true, false, 1 or 0",
  },
  DB_PING_INTERVAL_MS: { schema: positiveInt(2000), accepted: "an integer > 0 (milliseconds)" },
  DB_POOL_SIZE: { schema: positiveInt(10), accepted: "an integer > 0" },
  WS_PING_INTERVAL_MS: { schema: positiveInt(30_000), accepted: "an integer > 0 (milliseconds)" },
  SWEEP_INTERVAL_MS: { schema: positiveInt(5000), accepted: "an integer > 0 (milliseconds)" },
  HELLO_TIMEOUT_MS: { schema: positiveInt(10_000), accepted: "an integer > 0 (milliseconds)" },
  SEND_RATE_LIMIT_PER_SEC: { schema: positiveInt(500), accepted: "an integer > 0" },
  MESH_QUEUE_CAP: { schema: positiveInt(100_000), accepted: "an integer > 0" },
  WS_BACKPRESSURE_LIMIT_BYTES: { schema: positiveInt(4 * 1024 * 1024), accepted: "an integer > 0 (bytes)" },
  DELIVERED_RETENTION_HOURS: { schema: positiveInt(168), accepted: "an integer > 0 (hours)" },
  INSTANCE_HEARTBEAT_MS: { schema: positiveInt(5000), accepted: "an integer > 0 (milliseconds)" },
  INSTANCE_TIMEOUT_MS: {
    schema: positiveInt(15_000),
    accepted: "an integer > 0 (milliseconds), at least twice INSTANCE_HEARTBEAT_MS",
  },
  NODE_ENV: {
    schema: z.enum(["development", "production", "test"]).default("development"),
    accepted: "development, production or test",
  },
  GIT_SHA: {
    schema: z
      .string()
      .regex(/^[0-9a-f]{4,64}$/i, "not a hex commit id")
      .optional(),
    accepted: "a hex commit id (4 to 64 characters)",
  },
  LOG_LEVEL: { schema: z.enum(PINO_LEVELS).default("info"), accepted: PINO_LEVELS.join(", ") },
} as const;

/** The variable names the broker knows. */
export type EnvVariable = keyof typeof ENV_VARIABLES;

type Shape = { [K in EnvVariable]: (typeof ENV_VARIABLES)[K]["schema"] };

/** The zod object over the whole environment. */
export const envSchema = z.object(
  Object.fromEntries(Object.entries(ENV_VARIABLES).map(([name, v]) => [name, v.schema])) as Shape,
);
