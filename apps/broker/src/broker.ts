import { randomUUID } from "node:crypto";
import type { DbClient } from "@mesh/db";
import type { EmbeddedPostgres } from "@mesh/db/embedded";
import { CloseCode } from "@mesh/shared";
import type { Config } from "./config/index.ts";
import { migrateWithRetry } from "./database/migrate-with-retry.ts";
import { openDatabase } from "./database/open-database.ts";
import { healthHandler } from "./http/health.ts";
import { createJoinHandler } from "./http/join/join-route.ts";
import { metricsHandler } from "./http/metrics-route.ts";
import { readBuildInfo } from "./lifecycle/build-info.ts";
import { runShutdown } from "./lifecycle/shutdown.ts";
import type { Logger } from "./log/logger.ts";
import { BrokerMetrics } from "./metrics/index.ts";
import { startServer, upgradeHandler } from "./server.ts";
import { markInstancePresencesDisconnected } from "./sql/mark-instance-presences-disconnected.ts";
import { createDbPingSweeper } from "./sweepers/db-ping.ts";
import { SessionRegistry } from "./ws/session-registry.ts";
import { createSocketHandlers } from "./ws/socket-handlers.ts";

/** A started broker: its port, identity, and the ordered shutdown. */
export interface RunningBroker {
  port: number;
  instanceId: string;
  shutdown: () => Promise<void>;
}

/**
 * Wires the real instances (database, metrics, sweepers, server) and starts
 * listening. The only place that builds dependencies; everything below takes
 * them as arguments.
 */
export async function startBroker(config: Config, log: Logger): Promise<RunningBroker> {
  const startedAt = performance.now();
  const instanceId = randomUUID();
  const { client, embedded } = await openDatabase(config, log);
  try {
    return await startServing({ config, log, instanceId, startedAt, client, embedded });
  } catch (e: unknown) {
    // Nothing is listening yet: release what we opened so a failed start leaves no Postgres behind.
    await client.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw e;
  }
}

async function startServing(deps: {
  config: Config;
  log: Logger;
  instanceId: string;
  startedAt: number;
  client: DbClient;
  embedded: EmbeddedPostgres | undefined;
}): Promise<RunningBroker> {
  const { config, log, instanceId, startedAt, client, embedded } = deps;
  const build = readBuildInfo(config.gitSha);
  const migrations = await migrateWithRetry(client.sql, log);
  log.info(migrations, "migrations applied");

  const metrics = new BrokerMetrics();
  const dbPing = createDbPingSweeper({
    sql: client.sql,
    log,
    metrics,
    intervalMs: config.dbPingIntervalMs,
    initiallyHealthy: true,
  });
  const sweepers = [dbPing];
  const sessions = new SessionRegistry();

  const server = startServer({
    config,
    log,
    routes: {
      "/health": { GET: healthHandler({ dbHealth: dbPing, build, startedAt }) },
      "/metrics": { GET: metricsHandler(metrics) },
      "/ws": { GET: upgradeHandler() },
      "/join": { POST: createJoinHandler({ sql: client.sql, config, log, dbHealth: dbPing }) },
    },
    sockets: createSocketHandlers({ sessions, log }),
  });
  for (const sweeper of sweepers) sweeper.start();
  const port = server.server.port ?? config.port;
  log.info(
    { port, host: config.host, instanceId, version: build.version, gitSha: build.gitSha, embedded: Boolean(embedded) },
    "broker listening",
  );

  return {
    port,
    instanceId,
    shutdown: () =>
      runShutdown(
        {
          stopSweepers: async () => {
            await Promise.all(sweepers.map((s) => s.stop()));
          },
          closeSessions: () => sessions.closeAll(CloseCode.goingAway, "broker shutting down"),
          markPresencesDisconnected: () => markInstancePresencesDisconnected(client.sql, instanceId),
          stopListening: () => server.stop(),
          releaseResources: async () => {
            await client.close();
            await embedded?.stop();
          },
        },
        log,
      ),
  };
}
