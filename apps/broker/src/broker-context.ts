import type { Sql } from "@mesh/db";
import type { Config } from "./config/index.ts";
import type { Drainer } from "./delivery/drainer.ts";
import type { QueueLedger } from "./delivery/queue-ledger.ts";
import type { SendBatcher } from "./delivery/send-batcher.ts";
import type { DbHealth } from "./health/db-ping.ts";
import type { KeyedRateLimiter } from "./lib/keyed-rate-limiter.ts";
import type { Logger } from "./lib/logger.ts";
import type { BrokerMetrics } from "./metrics/index.ts";
import type { SessionHub } from "./sessions/session-hub.ts";
import type { StatusService } from "./status/status-service.ts";

/** What request and frame handlers are given; built once in `startBroker`. */
export interface BrokerContext {
  config: Config;
  log: Logger;
  sql: Sql;
  metrics: BrokerMetrics;
  dbHealth: DbHealth;
  instanceId: string;
  hub: SessionHub;
  drainer: Drainer;
  sends: SendBatcher;
  /** Per-member send token buckets (`SEND_RATE_LIMIT_PER_SEC`). */
  sendLimiter: KeyedRateLimiter;
  /** Undelivered rows per mesh, recipient and sender, with sends in flight (`MESH_QUEUE_CAP`, `MEMBER_QUEUE_CAP`). */
  queueLedger: QueueLedger;
  status: StatusService;
}
