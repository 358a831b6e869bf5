import type { Sql } from "@mesh/db";
import { CloseCode, toError } from "@mesh/shared";
import type { DbHealth } from "../health/db-ping.ts";
import type { Logger } from "../lib/logger.ts";
import { FAILURE_LOG_EVERY } from "../lib/periodic-task.ts";
import type { BrokerSocket } from "../sessions/session.ts";
import { readBacklog } from "./read-backlog.ts";
import { readLiveSessions } from "./read-live-sessions.ts";
import { readRateSample } from "./read-rate-sample.ts";
import { readRegistry } from "./read-registry.ts";
import { sendToViewer } from "./send-to-viewer.ts";
import { VIEW_BOUNDS, VIEW_DEBOUNCE_MS, VIEW_MIN_GAP_MS, VIEW_RATE_WINDOW_MS, VIEW_REFRESH_MS } from "./view-bounds.ts";
import { keepRecent, type RateSample, ratesOf } from "./view-rates.ts";
import { diffViewState, emptyViewState, type ViewServerFrame, type ViewSession, type ViewState } from "./view-state.ts";
import { ViewCloseReason } from "./viewer-frames.ts";

/** The live view of one instance: its viewers, and the state it pushes to them. */
export interface ViewHub {
  /** Open `/view/ws` sockets, authenticated or not (bounded by `VIEW_BOUNDS.maxSockets`). */
  readonly sockets: number;
  opened: (ws: BrokerSocket) => void;
  /** The socket authenticated: it gets a snapshot, then diffs. */
  authenticated: (ws: BrokerSocket) => void;
  closed: (ws: BrokerSocket) => void;
  /** Something shown may have changed here (a status, a session opened or closed); free while nobody watches. */
  changed: () => void;
  /** A state read now, for `GET /view/state`. */
  readState: () => Promise<ViewState>;
  /** Closes every viewer (shutdown) and stops the refresh. */
  closeAll: () => void;
}

type ReadKind = "sessions" | "full";

/**
 * Holds nothing and reads nothing while no viewer is connected. With
 * viewers, local changes are gathered for `VIEW_DEBOUNCE_MS` and answered
 * by a read of the live sessions; every `VIEW_REFRESH_MS` everything is
 * re-read (backlog, rates, instances, meshes, and whatever other instances
 * changed). Reads never overlap; each result is compared with the last and
 * only the difference is pushed.
 */
export function createViewHub(deps: {
  sql: Sql;
  log: Logger;
  instanceId: string;
  dbHealth: DbHealth;
  /** Whether this instance still holds the presence: a closed one reads live until its disconnect commits. */
  holdsPresence: (presenceId: string) => boolean;
}): ViewHub {
  const { sql, log, instanceId } = deps;
  const sockets = new Set<BrokerSocket>();
  const viewers = new Set<BrokerSocket>();
  let state: ViewState | undefined;
  let samples: RateSample[] = [];
  /** Whether the last full read cut meshes, instances or backlog short. */
  let othersTruncated = false;
  let wanted: ReadKind | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let refresh: ReturnType<typeof setInterval> | undefined;
  let reading = false;
  let lastReadStart = 0;
  let failures = 0;

  const health = (stale: boolean) => ({ instanceId, db: deps.dbHealth.state, stale });

  /** This instance's sessions are as it holds them; others' as Postgres says. */
  const withoutClosedHere = (sessions: Record<string, ViewSession>): Record<string, ViewSession> => {
    const kept: Record<string, ViewSession> = {};
    for (const [id, s] of Object.entries(sessions)) {
      if (s.instanceId !== instanceId || deps.holdsPresence(id)) kept[id] = s;
    }
    return kept;
  };

  /** Everything, read afresh; the rates from `recent` samples and this one. */
  const readFull = async (
    recent: readonly RateSample[],
  ): Promise<{ state: ViewState; samples: RateSample[]; othersTruncated: boolean }> => {
    const [registry, live, backlog, sample] = await Promise.all([
      readRegistry(sql, { meshes: VIEW_BOUNDS.maxMeshes, instances: VIEW_BOUNDS.maxInstances }),
      readLiveSessions(sql, VIEW_BOUNDS.maxSessions),
      readBacklog(sql, VIEW_BOUNDS.maxBacklogMembers),
      readRateSample(sql, VIEW_RATE_WINDOW_MS),
    ]);
    const kept = keepRecent(recent, sample, VIEW_RATE_WINDOW_MS);
    const truncated = registry.truncated || backlog.truncated;
    return {
      samples: kept,
      othersTruncated: truncated,
      state: {
        health: health(false),
        rates: ratesOf(kept),
        truncated: truncated || live.truncated,
        instances: registry.instances,
        meshes: registry.meshes,
        sessions: withoutClosedHere(live.sessions),
        backlog: backlog.backlog,
      },
    };
  };

  const read = async (kind: ReadKind, last: ViewState | undefined): Promise<ViewState> => {
    try {
      let next: ViewState;
      if (kind === "full" || !last) {
        const full = await readFull(samples);
        samples = full.samples;
        othersTruncated = full.othersTruncated;
        next = full.state;
      } else {
        const live = await readLiveSessions(sql, VIEW_BOUNDS.maxSessions);
        next = {
          ...last,
          health: health(false),
          truncated: othersTruncated || live.truncated,
          sessions: withoutClosedHere(live.sessions),
        };
      }
      if (failures > 0) log.info({ after_failures: failures }, "live view reads Postgres again");
      failures = 0;
      return next;
    } catch (e: unknown) {
      if (failures % FAILURE_LOG_EVERY === 0) {
        log.warn({ err: toError(e), consecutive_failures: failures + 1 }, "live view read failed");
      }
      failures += 1;
      // What was read last stays on screen, marked stale, beside the instance's own health.
      return { ...(last ?? emptyViewState(health(true))), health: health(true) };
    }
  };

  const send = (ws: BrokerSocket, frame: ViewServerFrame | string): void => {
    const text = typeof frame === "string" ? frame : JSON.stringify(frame);
    const buffered = ws.getBufferedAmount();
    if (sendToViewer(ws, text, VIEW_BOUNDS.maxBufferedBytes) === "dropped") {
      viewers.delete(ws);
      log.warn({ buffered, frame_bytes: text.length }, "live viewer dropped: it does not read");
    }
  };

  const publish = (next: ViewState): void => {
    const before = state;
    state = next;
    const now = Date.now();
    const diff = before ? diffViewState(before, next) : undefined;
    const diffText = diff ? JSON.stringify({ type: "diff", now, diff } satisfies ViewServerFrame) : undefined;
    let snapshotText: string | undefined;
    for (const ws of [...viewers]) {
      const viewer = ws.data.viewer;
      if (!viewer) continue;
      if (!viewer.synced) {
        snapshotText ??= JSON.stringify({ type: "snapshot", now, state: next } satisfies ViewServerFrame);
        viewer.synced = true;
        send(ws, snapshotText);
      } else if (diffText) send(ws, diffText);
    }
  };

  const runRead = (): void => {
    debounce = undefined;
    const kind = wanted;
    wanted = undefined;
    if (!kind || viewers.size === 0) return;
    reading = true;
    lastReadStart = Date.now();
    void read(kind, state)
      .then((next) => {
        // The last viewer may have left while Postgres answered: then nothing is kept.
        if (viewers.size > 0) publish(next);
      })
      .finally(() => {
        reading = false;
        if (wanted && viewers.size > 0) scheduleRead();
      });
  };

  const scheduleRead = (): void => {
    const delay = Math.max(VIEW_DEBOUNCE_MS, lastReadStart + VIEW_MIN_GAP_MS - Date.now());
    debounce = setTimeout(runRead, delay);
  };

  const request = (kind: ReadKind): void => {
    if (viewers.size === 0) return;
    wanted = wanted === "full" || kind === "full" ? "full" : "sessions";
    // A read in progress schedules the next one when it ends.
    if (!debounce && !reading) scheduleRead();
  };

  /** Nobody watches: stop reading and forget everything. */
  const idle = (): void => {
    clearInterval(refresh);
    clearTimeout(debounce);
    refresh = undefined;
    debounce = undefined;
    wanted = undefined;
    state = undefined;
    samples = [];
  };

  return {
    get sockets() {
      return sockets.size;
    },
    opened: (ws) => {
      sockets.add(ws);
    },
    authenticated: (ws) => {
      viewers.add(ws);
      refresh ??= setInterval(() => request("full"), VIEW_REFRESH_MS);
      if (state && ws.data.viewer) {
        ws.data.viewer.synced = true;
        send(ws, { type: "snapshot", now: Date.now(), state });
      } else request("full");
    },
    closed: (ws) => {
      sockets.delete(ws);
      viewers.delete(ws);
      if (viewers.size === 0) idle();
    },
    changed: () => request("sessions"),
    readState: async () => (await readFull(samples)).state,
    closeAll: () => {
      idle();
      for (const ws of sockets) ws.close(CloseCode.goingAway, ViewCloseReason.shuttingDown);
    },
  };
}
