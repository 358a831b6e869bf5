import { databaseEnvProblem, type EnvProblem, envProblem, parseEnvironment } from "@mesh/db";
import { type BrokerEnv, ENV_VARIABLES } from "./env-schema.ts";

/** The broker's typed, frozen configuration. */
export interface Config {
  databaseUrl: string | undefined;
  port: number;
  host: string;
  dataDir: string | undefined;
  statusTtlSeconds: number;
  hookFreshWindowSeconds: number;
  maxConnectionsPerMesh: number;
  maxMessageBytes: number;
  hookRateLimitPerMin: number;
  hookAllowAnonymous: boolean;
  dbPingIntervalMs: number;
  dbPoolSize: number;
  /** How often sessions are pinged; one missed pong closes a session. */
  wsPingIntervalMs: number;
  /** Period of the queue-depth, pending-status, drain-repair and retention sweepers (the TTL sweep runs at least this often). */
  sweepIntervalMs: number;
  /** A socket that has not said hello by then is refused (`hello_timeout`). */
  helloTimeoutMs: number;
  /** Sends per second per member on this instance (bursts up to twice that). */
  sendRateLimitPerSec: number;
  /** Undelivered envelopes a mesh may hold before sends get `queue_full`. */
  meshQueueCap: number;
  /** Unsent bytes buffered for one session before it is closed. */
  wsBackpressureLimitBytes: number;
  /** Delivered envelopes are deleted this long after delivery. */
  deliveredRetentionHours: number;
  /** Frames one socket may have waiting to be handled before it is closed (`frame_flood`). */
  wsMaxPendingFrames: number;
  /** Bytes of frames one socket may have waiting before it is closed (`frame_flood`). */
  wsMaxPendingBytes: number;
  /** Frames other than `send` per second per session (bursts up to twice that). */
  frameRateLimitPerSec: number;
  /** Undelivered envelopes one member may hold as recipient or have outstanding as sender. */
  memberQueueCap: number;
  /** An envelope not delivered within this long expires. */
  undeliveredMaxAgeHours: number;
  /** Hellos per minute per member on this instance. */
  helloRateLimitPerMin: number;
  /** Live sessions one member may hold across all instances. */
  maxSessionsPerMember: number;
  /** Tokenless hooks per minute per client address. */
  hookRateLimitPerAddressPerMin: number;
  /** Hook statuses waiting for a hello, at most. */
  maxPendingStatuses: number;
  /** Presences of sessions that ended longer ago than this are deleted. */
  presenceRetentionHours: number;
  /** How often this instance renews its row in the instance registry. */
  instanceHeartbeatMs: number;
  /** An instance whose row is older than this is presumed dead: a survivor reaps its sessions. */
  instanceTimeoutMs: number;
  nodeEnv: "development" | "production" | "test";
  gitSha: string | undefined;
  /** SHA-256 (hex, lower case) of the operator token; undefined refuses broker-wide admin requests. */
  adminTokenSha256: string | undefined;
  /** Serve the live view (`/view`); requires `adminTokenSha256`. */
  viewEnabled: boolean;
  logLevel: BrokerEnv["LOG_LEVEL"];
}

/** Why the environment was refused: one variable, its problem, what is accepted. */
export type ConfigProblem = EnvProblem;

/** Parses the environment once; never throws. An empty value counts as unset. */
export function parseConfig(
  env: Record<string, string | undefined>,
): { ok: true; config: Readonly<Config> } | { ok: false; problem: ConfigProblem } {
  const parsed = parseEnvironment(ENV_VARIABLES, env);
  if (!parsed.ok) return parsed;
  const e = parsed.values;
  const databaseProblem = databaseEnvProblem(e);
  if (databaseProblem) return { ok: false, problem: databaseProblem };
  if (e.INSTANCE_TIMEOUT_MS < 2 * e.INSTANCE_HEARTBEAT_MS) {
    return {
      ok: false,
      problem: envProblem(
        ENV_VARIABLES,
        "INSTANCE_TIMEOUT_MS",
        String(e.INSTANCE_TIMEOUT_MS),
        `is below twice INSTANCE_HEARTBEAT_MS (${e.INSTANCE_HEARTBEAT_MS}): one late heartbeat would get a live instance reaped`,
      ),
    };
  }
  if (e.VIEW_ENABLED && e.ADMIN_TOKEN_SHA256 === undefined) {
    return {
      ok: false,
      problem: envProblem(
        ENV_VARIABLES,
        "VIEW_ENABLED",
        env.VIEW_ENABLED,
        "is on but ADMIN_TOKEN_SHA256 is unset: the live view would have no operator credential to check",
      ),
    };
  }
  return {
    ok: true,
    config: Object.freeze({
      databaseUrl: e.DATABASE_URL,
      port: e.BROKER_PORT,
      host: e.BROKER_HOST,
      dataDir: e.BROKER_DATA_DIR,
      statusTtlSeconds: e.STATUS_TTL_SECONDS,
      hookFreshWindowSeconds: e.HOOK_FRESH_WINDOW_SECONDS,
      maxConnectionsPerMesh: e.MAX_CONNECTIONS_PER_MESH,
      maxMessageBytes: e.MAX_MESSAGE_BYTES,
      hookRateLimitPerMin: e.HOOK_RATE_LIMIT_PER_MIN,
      hookAllowAnonymous: e.HOOK_ALLOW_ANONYMOUS ?? e.NODE_ENV !== "production",
      dbPingIntervalMs: e.DB_PING_INTERVAL_MS,
      dbPoolSize: e.DB_POOL_SIZE,
      wsPingIntervalMs: e.WS_PING_INTERVAL_MS,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      helloTimeoutMs: e.HELLO_TIMEOUT_MS,
      sendRateLimitPerSec: e.SEND_RATE_LIMIT_PER_SEC,
      wsMaxPendingFrames: e.WS_MAX_PENDING_FRAMES,
      wsMaxPendingBytes: e.WS_MAX_PENDING_BYTES,
      frameRateLimitPerSec: e.FRAME_RATE_LIMIT_PER_SEC,
      memberQueueCap: e.MEMBER_QUEUE_CAP,
      undeliveredMaxAgeHours: e.UNDELIVERED_MAX_AGE_HOURS,
      helloRateLimitPerMin: e.HELLO_RATE_LIMIT_PER_MIN,
      maxSessionsPerMember: e.MAX_SESSIONS_PER_MEMBER,
      hookRateLimitPerAddressPerMin: e.HOOK_RATE_LIMIT_PER_ADDRESS_PER_MIN,
      maxPendingStatuses: e.MAX_PENDING_STATUSES,
      presenceRetentionHours: e.PRESENCE_RETENTION_HOURS,
      meshQueueCap: e.MESH_QUEUE_CAP,
      wsBackpressureLimitBytes: e.WS_BACKPRESSURE_LIMIT_BYTES,
      deliveredRetentionHours: e.DELIVERED_RETENTION_HOURS,
      instanceHeartbeatMs: e.INSTANCE_HEARTBEAT_MS,
      instanceTimeoutMs: e.INSTANCE_TIMEOUT_MS,
      nodeEnv: e.NODE_ENV,
      gitSha: e.GIT_SHA,
      adminTokenSha256: e.ADMIN_TOKEN_SHA256?.toLowerCase(),
      viewEnabled: e.VIEW_ENABLED,
      logLevel: e.LOG_LEVEL,
    }),
  };
}
