import { hostname } from "node:os";
import type { DbClient } from "@mesh/db";
import type { EmbeddedPostgres } from "@mesh/db/embedded";
import { CloseCode, toError } from "@mesh/shared";
import { adminRoutes } from "./admin/admin-routes.ts";
import { createOperatorCredential } from "./admin/operator-credential.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { Config } from "./config/index.ts";
import { migrateWithRetry, retryWhileUnavailable } from "./database/migrate-with-retry.ts";
import { openDatabase } from "./database/open-database.ts";
import { assertSessionPooling } from "./database/session-pooling.ts";
import { createDrainRepairSweeper } from "./delivery/drain-repair-sweeper.ts";
import { createDrainer } from "./delivery/drainer.ts";
import { leaseCandidates } from "./delivery/lease-candidates.ts";
import { createQueueDepthSweeper } from "./delivery/queue-depth-sweeper.ts";
import { QueueLedger } from "./delivery/queue-ledger.ts";
import { createSendBatcher } from "./delivery/send-batcher.ts";
import { createWakeListener, type Wake } from "./delivery/wake-listener.ts";
import { readBuildInfo } from "./health/build-info.ts";
import { createDbPingSweeper } from "./health/db-ping.ts";
import { healthHandler } from "./health/health-route.ts";
import { createHookHandler } from "./hooks/hook-route.ts";
import { createInstanceHeartbeat } from "./instances/instance-heartbeat.ts";
import { type InstanceRow, renewInstance, stopInstance } from "./instances/instance-registry.ts";
import { KeyedRateLimiter } from "./lib/keyed-rate-limiter.ts";
import type { Logger } from "./lib/logger.ts";
import { STOP_WAIT_MS, settlesWithin } from "./lifecycle/bounded-wait.ts";
import { runShutdown } from "./lifecycle/shutdown.ts";
import { createJoinHandler } from "./membership/join-route.ts";
import { BrokerMetrics } from "./metrics/index.ts";
import { metricsHandler } from "./metrics/metrics-route.ts";
import { createRetentionSweeper } from "./retention/retention-sweeper.ts";
import { startServer, upgradeHandler } from "./server/server.ts";
import { disconnectPresences } from "./sessions/disconnect-presences.ts";
import { closeRevokedSessions, createRevocationCheck } from "./sessions/revocations.ts";
import { SessionHub } from "./sessions/session-hub.ts";
import { createSessionReaper } from "./sessions/session-reaper.ts";
import { createSocketHandlers } from "./sessions/socket-handlers.ts";
import { createPendingStatusSweeper } from "./status/pending-status-sweeper.ts";
import { createStatusService } from "./status/status-service.ts";
import { createTtlSweeper } from "./status/ttl-sweeper.ts";
import { createLiveView, type LiveView } from "./view/live-view.ts";

/** A started broker: its port, identity, and the ordered shutdown. */
export interface RunningBroker {
  port: number;
  instanceId: string;
  shutdown: () => Promise<void>;
}

/** How long a pushed envelope stays leased to a session before it may be offered again. */
const LEASE_SECONDS = 30;
/** How long shutdown waits for in-flight queries before it drops the pool's connections. */
const POOL_CLOSE_SECONDS = 1;
/** Sends committed per transaction, at most. */
const MAX_SEND_BATCH = 256;
/** Senders whose send buckets are tracked at once (full buckets are forgotten first). */
const MAX_RATE_LIMITED_SENDERS = 100_000;

/**
 * Wires the real instances (database, metrics, sweepers, server) and starts
 * listening. The only place that builds dependencies; everything below takes
 * them as arguments. `log` already carries `instance_id`, the registry id
 * `instanceId` this process runs under.
 */
export async function startBroker(config: Config, log: Logger, instanceId: string): Promise<RunningBroker> {
  const startedAt = performance.now();
  const { client, pingClient, embedded, url } = await openDatabase(config, log);
  try {
    return await startServing({ config, log, instanceId, startedAt, client, pingClient, embedded, url });
  } catch (e: unknown) {
    // Nothing is listening yet: release what we opened so a failed start leaves no Postgres behind.
    await client.close().catch(() => undefined);
    await pingClient.close().catch(() => undefined);
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
  pingClient: DbClient;
  embedded: EmbeddedPostgres | undefined;
  url: string;
}): Promise<RunningBroker> {
  const { config, log, instanceId, startedAt, client, pingClient, embedded } = deps;
  const { sql } = client;
  const build = readBuildInfo(config.gitSha);
  // First: through a transaction-pooling proxy the migrations' advisory lock would stay behind and hang later starts.
  await retryWhileUnavailable(() => assertSessionPooling(sql), log);
  const migrations = await migrateWithRetry(sql, log);
  log.info(migrations, "migrations applied");
  const instance: InstanceRow = { id: instanceId, hostname: hostname(), pid: process.pid, version: build.version };
  await renewInstance(sql, instance);

  const metrics = new BrokerMetrics();
  metrics.buildInfo(build);
  const hub = new SessionHub();
  const queueLedger = new QueueLedger({ meshRows: config.meshQueueCap, memberRows: config.memberQueueCap });
  const drainer = createDrainer({
    sql,
    hub,
    log,
    metrics,
    leaseSeconds: LEASE_SECONDS,
    backpressureLimitBytes: config.wsBackpressureLimitBytes,
    // What a session here took stops counting against the queue bounds now, not at the next count.
    onPushed: (rows) => queueLedger.pushed(rows),
  });
  const dbPing = createDbPingSweeper({
    sql: pingClient.sql,
    log,
    metrics,
    intervalMs: config.dbPingIntervalMs,
    initiallyHealthy: true,
    // Held envelopes flow again by themselves once Postgres is back.
    onRecovered: () => drainer.requestAll(),
  });
  const undeliveredMaxAgeSeconds = config.undeliveredMaxAgeHours * 3600;
  // Built below, once the status service exists; off (undefined) unless VIEW_ENABLED.
  let view: LiveView | undefined;
  const ctx: BrokerContext = {
    config,
    log,
    sql,
    metrics,
    dbHealth: dbPing,
    instanceId,
    hub,
    drainer,
    sends: createSendBatcher({
      sql,
      instanceId,
      maxBatch: MAX_SEND_BATCH,
      ledger: queueLedger,
      undeliveredMaxAgeSeconds,
      direct: {
        leaseSeconds: LEASE_SECONDS,
        candidatesOf: (e) => leaseCandidates(hub, e),
        pushLeased: drainer.pushLeased,
      },
    }),
    // Bursts up to twice the per-second rate.
    sendLimiter: new KeyedRateLimiter({
      capacity: config.sendRateLimitPerSec * 2,
      periodMs: 2000,
      maxKeys: MAX_RATE_LIMITED_SENDERS,
    }),
    queueLedger,
    status: createStatusService({
      sql,
      hub,
      drainer,
      freshWindowMs: config.hookFreshWindowSeconds * 1000,
      instanceId,
      onChanged: () => view?.hub.changed(),
    }),
  };
  if (config.viewEnabled) {
    view = await createLiveView({
      sql,
      log,
      instanceId,
      dbHealth: dbPing,
      adminTokenSha256: config.adminTokenSha256,
      holdsPresence: (presenceId) => hub.byPresenceId(presenceId) !== undefined,
    });
    hub.onSessionsChanged(() => view?.hub.changed());
  }
  const refresh = (scope: Parameters<typeof ctx.status.refresh>[0]): Promise<void> =>
    ctx.status.refresh(scope).catch((e: unknown) => log.warn({ err: toError(e) }, "status refresh failed"));
  const refreshStatuses = (scope: Parameters<typeof ctx.status.refresh>[0]): void => {
    void refresh(scope);
  };
  // Wake-ups are handled in the order they were committed: a status another instance changed is
  // re-read before the drain of an envelope committed after it, or a `next` envelope could be
  // pushed to a session this instance still believes idle.
  let wakes: Promise<void> = Promise.resolve();
  const wakeListener = createWakeListener({
    url: deps.url,
    instanceId,
    log,
    metrics,
    // A revocation written anywhere (another instance, SQL by hand) closes the sessions here at once.
    onRevoke: (revocation) => {
      closeRevokedSessions({ hub, metrics, log }, revocation);
    },
    onWake: (wake: Wake) => {
      wakes = wakes.then(async () => {
        if (wake.presenceIds.length > 0) await refresh({ presenceIds: wake.presenceIds });
        drainer.request(wake.memberIds);
      });
    },
    // Everything here may have changed while no wake-up could arrive: re-read statuses, drain every session.
    onListening: () => {
      drainer.requestAll();
      refreshStatuses("all");
    },
  });
  await wakeListener.start();
  const sweepInterval = config.sweepIntervalMs;
  const sweepers = [
    createTtlSweeper({
      sql,
      log,
      metrics,
      status: ctx.status,
      ttlSeconds: config.statusTtlSeconds,
      intervalMs: Math.min(sweepInterval, (config.statusTtlSeconds * 1000) / 2),
      instanceId,
    }),
    createPendingStatusSweeper({ sql, log, intervalMs: sweepInterval }),
    dbPing,
    createQueueDepthSweeper({
      sql,
      log,
      metrics,
      ledger: queueLedger,
      instanceId,
      instanceTimeoutSeconds: config.instanceTimeoutMs / 1000,
      undeliveredMaxAgeSeconds,
      intervalMs: sweepInterval,
    }),
    createSessionReaper({
      sql,
      log,
      hub,
      instanceId,
      pingIntervalMs: config.wsPingIntervalMs,
      onReleased: (memberIds) => drainer.request(memberIds),
    }),
    createInstanceHeartbeat({
      sql,
      heartbeatSql: pingClient.sql,
      log,
      metrics,
      instance,
      heartbeatMs: config.instanceHeartbeatMs,
      timeoutMs: config.instanceTimeoutMs,
      onDeclaredDead: () => hub.closeAll(CloseCode.goingAway, "broker instance rejoining"),
      onReleased: (memberIds) => drainer.request(memberIds),
    }),
    createDrainRepairSweeper({ drainer, status: ctx.status, log, intervalMs: sweepInterval }),
    createRevocationCheck({ sql, hub, metrics, log, intervalMs: sweepInterval }),
    createRetentionSweeper({
      sql,
      log,
      metrics,
      deliveredRetentionHours: config.deliveredRetentionHours,
      undeliveredMaxAgeSeconds,
      presenceRetentionHours: config.presenceRetentionHours,
      overdueWithoutExpiry: () => queueLedger.overdueWithoutExpiry,
      intervalMs: sweepInterval,
    }),
  ];

  let shuttingDown = false;
  const server = startServer({
    config,
    log,
    routes: {
      "/health": { GET: healthHandler({ dbHealth: dbPing, build, startedAt }) },
      "/metrics": { GET: metricsHandler(metrics) },
      "/ws": { GET: upgradeHandler() },
      "/join": { POST: createJoinHandler({ sql, config, metrics, dbHealth: dbPing }) },
      "/hook/set-status": { POST: createHookHandler(ctx) },
      ...adminRoutes({
        sql,
        dbHealth: dbPing,
        operator: createOperatorCredential(config.adminTokenSha256),
        maxBodyBytes: config.maxMessageBytes,
      }),
      // Only when VIEW_ENABLED: otherwise these paths are unknown, 404 like any other.
      ...view?.routes,
    },
    sockets: createSocketHandlers(ctx, () => shuttingDown),
    viewerSockets: view?.sockets,
  });
  for (const sweeper of sweepers) sweeper.start();
  const port = server.server.port ?? config.port;
  log.info(
    { port, host: config.host, version: build.version, git_sha: build.gitSha, embedded: Boolean(embedded) },
    "broker listening",
  );

  return {
    port,
    instanceId,
    shutdown: () => {
      shuttingDown = true;
      return runShutdown(
        {
          stopSweepers: async () => {
            await Promise.all([...sweepers.map((s) => s.stop()), drainer.stop(), wakeListener.stop()]);
          },
          closeSessions: () => {
            view?.hub.closeAll();
            hub.closeAll(CloseCode.goingAway, "broker shutting down");
          },
          markPresencesDisconnected: async () => {
            const { marked } = await disconnectPresences(sql, { instanceId }, instanceId);
            await stopInstance(sql, instanceId);
            return marked;
          },
          stopListening: () => server.stop(),
          releaseResources: async () => {
            // Sends already batched commit if Postgres answers; a batch stuck on a database that went away is left
            // behind: its senders got no ack and re-send with the same id.
            await settlesWithin(ctx.sends.idle(), STOP_WAIT_MS);
            // In-flight queries get this long; a connection left half-open by an outage would otherwise hold the exit.
            await Promise.all([client.close(POOL_CLOSE_SECONDS), pingClient.close(POOL_CLOSE_SECONDS)]);
            await embedded?.stop();
          },
        },
        log,
      );
    },
  };
}
