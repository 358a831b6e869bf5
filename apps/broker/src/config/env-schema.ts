import { DATABASE_ENV_VARIABLES, type EnvValues, type EnvVariable, integerVariable, NO_DEFAULT } from "@mesh/db";
import { z } from "zod";
import { isListenHost } from "./listen-host.ts";

const PINO_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const BOOLEAN_FLAGS = ["true", "false", "1", "0"] as const;

/** Durations that arm a timer stay far below 2^31-1 ms, where Bun fires a timer after 1 ms. */
const TEN_MINUTES_MS = 600_000;
const ONE_HOUR_MS = 3_600_000;
const ONE_DAY_S = 86_400;

/**
 * Every environment variable the broker reads: the database ones it shares
 * with `pnpm db:migrate` and `mesh admin`, then its own. Each entry parses
 * its variable and documents it (`--print-env`, the refusal line).
 */
export const ENV_VARIABLES = {
  ...DATABASE_ENV_VARIABLES,
  BROKER_PORT: integerVariable({ fallback: 7900, min: 1, max: 65535, meaning: "the single HTTP + WebSocket port" }),
  BROKER_HOST: {
    schema: z.string().refine(isListenHost, "is not a hostname or an IP address").default("0.0.0.0"),
    shownDefault: "0.0.0.0",
    accepted: "a hostname, or an IPv4 or IPv6 address (no brackets, no port)",
    meaning:
      "interface to listen on; the image's health check calls 127.0.0.1, so keep it on all interfaces or loopback",
  },
  STATUS_TTL_SECONDS: integerVariable({
    fallback: 60,
    min: 1,
    max: ONE_DAY_S,
    unit: "seconds",
    meaning: "a session reported working for longer than this is flipped to idle",
  }),
  HOOK_FRESH_WINDOW_SECONDS: integerVariable({
    fallback: 30,
    min: 1,
    max: ONE_DAY_S,
    unit: "seconds",
    meaning: "how long a hook-reported status outranks lower-priority sources",
  }),
  MAX_CONNECTIONS_PER_MESH: integerVariable({
    fallback: 100,
    min: 1,
    max: 100_000,
    meaning: "WebSocket sessions per mesh, across all instances; the next one is refused with close code 1008",
  }),
  MAX_MESSAGE_BYTES: integerVariable({
    fallback: 65536,
    min: 1024,
    max: 16 * 1024 * 1024,
    unit: "bytes",
    meaning: "largest WebSocket frame and HTTP body (a hello needs about 500 bytes)",
  }),
  HOOK_RATE_LIMIT_PER_MIN: integerVariable({
    fallback: 30,
    min: 1,
    max: 60_000,
    meaning: "token bucket per (pid, cwd) on /hook/set-status; over it, 429",
  }),
  HOOK_ALLOW_ANONYMOUS: {
    schema: z
      .enum(BOOLEAN_FLAGS, { error: "is not an accepted value" })
      .transform((v) => v === "true" || v === "1")
      .optional(),
    shownDefault: "false in production, true otherwise",
    accepted: "true, false, 1 or 0",
    meaning: "accept hook POSTs that carry no session bearer token",
  },
  DB_PING_INTERVAL_MS: integerVariable({
    fallback: 2000,
    min: 1,
    max: TEN_MINUTES_MS,
    unit: "milliseconds",
    meaning: "how often the DB-ping sweeper checks Postgres; an outage shows in /health within about two intervals",
  }),
  WS_PING_INTERVAL_MS: integerVariable({
    fallback: 30_000,
    min: 1,
    max: TEN_MINUTES_MS,
    unit: "milliseconds",
    meaning: "the broker pings every session this often and closes one that missed the last ping",
  }),
  SWEEP_INTERVAL_MS: integerVariable({
    fallback: 5000,
    min: 1,
    max: TEN_MINUTES_MS,
    unit: "milliseconds",
    meaning: "period of the TTL, pending-status, queue-depth, drain-repair and retention sweepers",
  }),
  HELLO_TIMEOUT_MS: integerVariable({
    fallback: 10_000,
    min: 1,
    max: TEN_MINUTES_MS,
    unit: "milliseconds",
    meaning: "a socket that has not said hello by then gets error hello_timeout and close code 1008",
  }),
  SEND_RATE_LIMIT_PER_SEC: integerVariable({
    fallback: 500,
    min: 1,
    max: 100_000,
    meaning: "sends per second per member on one instance (bursts up to twice that); over it, error rate_limited",
  }),
  MESH_QUEUE_CAP: integerVariable({
    fallback: 100_000,
    min: 1,
    max: 100_000_000,
    meaning: "undelivered envelopes a mesh may hold; a send that would pass it gets error queue_full",
  }),
  WS_BACKPRESSURE_LIMIT_BYTES: integerVariable({
    fallback: 4 * 1024 * 1024,
    min: 1,
    max: 512 * 1024 * 1024,
    unit: "bytes",
    meaning: "unsent bytes buffered for one session; past it, pushes to it pause until its socket drains",
  }),
  DELIVERED_RETENTION_HOURS: integerVariable({
    fallback: 168,
    min: 1,
    max: 8760,
    unit: "hours",
    meaning: "envelopes delivered longer ago than this (168 h is 7 days) are deleted by the retention sweep",
  }),
  WS_MAX_PENDING_FRAMES: integerVariable({
    fallback: 64,
    min: 1,
    max: 100_000,
    meaning: "frames one socket may have waiting to be handled; past it the session is closed with 1008 frame_flood",
  }),
  WS_MAX_PENDING_BYTES: integerVariable({
    fallback: 1_048_576,
    min: 1024,
    max: 536_870_912,
    unit: "bytes",
    meaning:
      "bytes of frames one socket may have waiting to be handled; past it the session is closed with 1008 frame_flood",
  }),
  FRAME_RATE_LIMIT_PER_SEC: integerVariable({
    fallback: 20,
    min: 1,
    max: 100_000,
    meaning: "frames other than send per second per session (bursts up to twice that); over it, error rate_limited",
  }),
  MEMBER_QUEUE_CAP: integerVariable({
    fallback: 10_000,
    min: 1,
    max: 100_000_000,
    meaning:
      "undelivered envelopes one member may hold as recipient, and may have outstanding as sender; a send past either gets error queue_full",
  }),
  UNDELIVERED_MAX_AGE_HOURS: integerVariable({
    fallback: 168,
    min: 1,
    max: 8_760,
    unit: "hours",
    meaning:
      "an envelope not delivered within this long (168 h is 7 days) expires, whatever ttlSeconds it was sent with",
  }),
  HELLO_RATE_LIMIT_PER_MIN: integerVariable({
    fallback: 60,
    min: 1,
    max: 60_000,
    meaning: "hellos per minute per member on one instance; over it, error rate_limited and close 1008",
  }),
  MAX_SESSIONS_PER_MEMBER: integerVariable({
    fallback: 10,
    min: 1,
    max: 100_000,
    meaning: "live sessions one member may hold across all instances; the next hello is refused with capacity",
  }),
  HOOK_RATE_LIMIT_PER_ADDRESS_PER_MIN: integerVariable({
    fallback: 600,
    min: 1,
    max: 600_000,
    meaning: "tokenless hooks per minute per client address; over it, 429",
  }),
  MAX_PENDING_STATUSES: integerVariable({
    fallback: 1_000,
    min: 1,
    max: 1_000_000,
    meaning:
      "hook statuses waiting for their session's hello, across the broker's database; past it a tokenless hook that matches no session is refused with 429",
  }),
  PRESENCE_RETENTION_HOURS: integerVariable({
    fallback: 24,
    min: 1,
    max: 8_760,
    unit: "hours",
    meaning: "presences of sessions that ended longer ago than this are deleted by the retention sweep",
  }),
  INSTANCE_HEARTBEAT_MS: integerVariable({
    fallback: 5000,
    min: 1,
    max: TEN_MINUTES_MS,
    unit: "milliseconds",
    meaning: "how often each instance renews its row in the instance registry",
  }),
  INSTANCE_TIMEOUT_MS: integerVariable({
    fallback: 15_000,
    min: 2,
    max: ONE_HOUR_MS,
    unit: "milliseconds",
    note: "at least twice INSTANCE_HEARTBEAT_MS",
    meaning: "an instance whose registry row is older than this is presumed dead and its sessions are reaped",
  }),
  GIT_SHA: {
    schema: z
      .string()
      .regex(/^[0-9a-f]{4,64}$/i, "is not a hex commit id")
      .optional(),
    shownDefault: "git rev-parse --short HEAD, else unknown",
    accepted: "a hex commit id, 4 to 64 characters",
    meaning: "shown by /health; the image sets it from the GIT_SHA build argument",
  },
  ADMIN_TOKEN_SHA256: {
    schema: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, "is not a SHA-256 digest in hex (64 hex digits)")
      .optional(),
    shownDefault: NO_DEFAULT,
    accepted: "64 hex digits: the SHA-256 of the operator token",
    meaning:
      "the operator credential of the admin API and the live view; unset refuses every broker-wide admin request (docs/admin-api.md)",
  },
  VIEW_ENABLED: {
    schema: z
      .enum(BOOLEAN_FLAGS, { error: "is not an accepted value" })
      .transform((v) => v === "true" || v === "1")
      .default(false),
    shownDefault: "false",
    accepted: "true, false, 1 or 0",
    meaning:
      "serve the live view (/view, docs/live-view.md) on the broker's port; needs ADMIN_TOKEN_SHA256, off answers 404",
  },
  LOG_LEVEL: {
    schema: z.enum(PINO_LEVELS, { error: "is not an accepted value" }).default("info"),
    shownDefault: "info",
    accepted: PINO_LEVELS.join(", "),
    meaning: "pino log level",
  },
} as const satisfies Record<string, EnvVariable>;

/** The environment, parsed. */
export type BrokerEnv = EnvValues<typeof ENV_VARIABLES>;
