import type { Sql } from "@mesh/db";
import type { Config } from "./config/index.ts";
import type { Drainer } from "./delivery/drainer.ts";
import type { SendBatcher } from "./delivery/send-batcher.ts";
import type { Logger } from "./log/logger.ts";
import type { BrokerMetrics } from "./metrics/index.ts";
import type { StatusService } from "./status/status-service.ts";
import type { DbHealth } from "./sweepers/db-ping.ts";
import type { SessionHub } from "./ws/session-hub.ts";

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
  status: StatusService;
}
