import { createDbClient, type DbClient } from "@mesh/db";
import { toError } from "@mesh/shared";
import { z } from "zod";
import type { Logger } from "../lib/logger.ts";
import { STOP_WAIT_MS, settlesWithin } from "../lifecycle/bounded-wait.ts";
import type { BrokerMetrics } from "../metrics/index.ts";
import { WAKE_CHANNEL } from "./notify-wake.ts";

/** What another instance's commit asks this one to do. */
export interface Wake {
  /** Members that may have envelopes to take. */
  memberIds: string[];
  /** Presences whose status changed in Postgres. */
  presenceIds: string[];
}

/** The payload `notifyWake` sends. */
const wakePayload = z.object({ from: z.string(), m: z.array(z.string()), p: z.array(z.string()) });

/** The channel migration 0007's triggers notify at the commit of a revocation or an archival. */
export const REVOKE_CHANNEL = "mesh_revoke";

/** What a revocation notification names: a revoked member, an archived mesh, or a kicked session (admin API). */
const revokePayload = z.union([
  z.object({ memberId: z.string() }),
  z.object({ meshId: z.string() }),
  z.object({ presenceId: z.string() }),
]);

/** The LISTEN side of cross-instance wake-ups. */
export interface WakeListener {
  /** Connects and LISTENs; resolves once listening or after the first failure (it keeps retrying). */
  start: () => Promise<void>;
  /** True while the LISTEN connection is up. */
  readonly listening: boolean;
  /** Drops the connection for good; a connection attempt in progress gets `STOP_WAIT_MS`, then is cut. */
  stop: () => Promise<void>;
}

/** Retry delays after the LISTEN connection is lost: doubling up to the cap. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * Holds one session-level connection of its own that LISTENs on the wake
 * channel and hands every notification from another instance to `onWake`.
 * When the connection drops it reconnects (with backoff) and, once
 * listening again, calls `onListening`, which must drain everything: what
 * was notified while it was down is lost. (A transaction-pooling PgBouncer
 * cannot carry LISTEN: point this connection at Postgres or a session pool.)
 */
export function createWakeListener(deps: {
  url: string;
  instanceId: string;
  log: Logger;
  metrics: BrokerMetrics;
  onWake: (wake: Wake) => void;
  /** A member was revoked or a mesh archived (by any instance, or by SQL), or a session kicked. */
  onRevoke: (revocation: z.infer<typeof revokePayload>) => void;
  onListening: () => void;
}): WakeListener {
  const { log, metrics } = deps;
  let client: DbClient | undefined;
  let listening = false;
  let stopped = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let connecting: Promise<void> | undefined;
  /** Connections closed so far: a LISTEN whose connection closed before it counted as up is retried. */
  let closes = 0;

  const onNotify = (channel: string, payload: string): void => {
    if (channel === REVOKE_CHANNEL) {
      const revocation = revokePayload.safeParse(safeJson(payload));
      if (revocation.success) deps.onRevoke(revocation.data);
      else log.warn({ payload: payload.slice(0, 200) }, "ignoring a malformed revocation notification");
      return;
    }
    if (channel !== WAKE_CHANNEL) return;
    let parsed: z.infer<typeof wakePayload>;
    try {
      parsed = wakePayload.parse(JSON.parse(payload));
    } catch {
      log.warn({ payload: payload.slice(0, 200) }, "ignoring a malformed wake notification");
      return;
    }
    if (parsed.from === deps.instanceId) return;
    metrics.wakeReceived();
    deps.onWake({ memberIds: parsed.m, presenceIds: parsed.p });
  };

  const setListening = (up: boolean): void => {
    listening = up;
    metrics.wakeListenerChanged(up);
  };

  const scheduleRetry = (): void => {
    if (stopped || retryTimer || connecting) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  const onClosed = (): void => {
    closes += 1;
    if (!listening) return;
    setListening(false);
    if (stopped) return;
    log.warn("wake listener connection lost; reconnecting");
    scheduleRetry();
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      try {
        client ??= createDbClient(deps.url, {
          max: 1,
          applicationName: `mesh-broker-listen:${deps.instanceId}`,
          idleTimeoutSeconds: null,
          maxLifetimeSeconds: null,
          onNotify,
          onConnectionClosed: onClosed,
        });
        const closesBefore = closes;
        await client.sql`listen ${client.sql(WAKE_CHANNEL)}`;
        await client.sql`listen ${client.sql(REVOKE_CHANNEL)}`;
        if (stopped || closes !== closesBefore) return;
        setListening(true);
        retryMs = RETRY_MIN_MS;
        log.info({ channel: WAKE_CHANNEL }, "wake listener listening");
        deps.onListening();
      } catch (e: unknown) {
        if (!stopped) log.warn({ err: toError(e), retry_ms: retryMs }, "wake listener could not LISTEN; retrying");
      } finally {
        connecting = undefined;
      }
      if (!listening) scheduleRetry();
    })();
    return connecting;
  };

  return {
    start: connect,
    get listening() {
      return listening;
    },
    stop: async () => {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      // An attempt against a database that went away would hold the shutdown until its connect timeout.
      if (connecting) await settlesWithin(connecting, STOP_WAIT_MS);
      setListening(false);
      await client?.close(0);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
