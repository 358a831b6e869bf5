import type { DbState } from "../health/db-state.ts";

/**
 * What the live view shows: metadata only. No field here may ever carry an
 * envelope's nonce, ciphertext or a client's text (summaries, cwd): the view
 * is for operators, who run the broker but are not members of the meshes.
 * Times are epoch milliseconds; the page turns them into ages.
 */
export interface ViewState {
  health: ViewHealth;
  rates: ViewRates;
  /** True when a bound cut a collection short (`VIEW_BOUNDS`). */
  truncated: boolean;
  instances: Record<string, ViewInstance>;
  meshes: Record<string, ViewMesh>;
  /** Live sessions by presence id. */
  sessions: Record<string, ViewSession>;
  /** Undelivered envelopes by recipient member id (only members holding some). */
  backlog: Record<string, ViewBacklog>;
}

/** The instance serving this view. */
export interface ViewHealth {
  instanceId: string;
  db: DbState;
  /** The last read from Postgres failed: the collections are as last read. */
  stale: boolean;
}

/** Envelope rows per second, over the last few seconds, across every instance. */
export interface ViewRates {
  /** Rows stored (one per recipient); null until two reads are far enough apart. */
  storedPerSec: number | null;
  /** Rows marked delivered. */
  deliveredPerSec: number;
}

/** A `broker_instance` row. */
export interface ViewInstance {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
}

export interface ViewMesh {
  id: string;
  name: string;
  slug: string;
  /** Members not revoked. */
  members: number;
}

export interface ViewSession {
  meshId: string;
  memberId: string;
  name: string;
  status: "idle" | "working" | "dnd";
  source: "hook" | "manual" | "heartbeat";
  instanceId: string;
  connectedAt: number;
  statusAt: number;
}

export interface ViewBacklog {
  meshId: string;
  name: string;
  undelivered: number;
  /** When the oldest of them was stored. */
  oldestAt: number;
}

/** The keyed collections of a `ViewState`, which diffs carry row by row. */
export const VIEW_COLLECTIONS = ["instances", "meshes", "sessions", "backlog"] as const;
export type ViewCollection = (typeof VIEW_COLLECTIONS)[number];

/** What changed between two states: whole scalar parts, and rows set or removed by key. */
export interface ViewDiff {
  health?: ViewHealth;
  rates?: ViewRates;
  truncated?: boolean;
  set?: Partial<{ [C in ViewCollection]: ViewState[C] }>;
  remove?: Partial<Record<ViewCollection, string[]>>;
}

/** Frames the broker sends a viewer: the whole state once, then what changed. `now` is the broker's clock. */
export type ViewServerFrame =
  | { type: "snapshot"; now: number; state: ViewState }
  | { type: "diff"; now: number; diff: ViewDiff }
  | { type: "error"; code: string; message: string };

/** An empty state (nothing read yet). */
export function emptyViewState(health: ViewHealth): ViewState {
  return {
    health,
    rates: { storedPerSec: null, deliveredPerSec: 0 },
    truncated: false,
    instances: {},
    meshes: {},
    sessions: {},
    backlog: {},
  };
}

// Rows are flat objects built by one reader, so their JSON compares them field by field in a stable order.
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The diff that turns `before` into `after`; undefined when nothing changed. */
export function diffViewState(before: ViewState, after: ViewState): ViewDiff | undefined {
  const diff: ViewDiff = {};
  let changed = false;
  if (!same(before.health, after.health)) {
    diff.health = after.health;
    changed = true;
  }
  if (!same(before.rates, after.rates)) {
    diff.rates = after.rates;
    changed = true;
  }
  if (before.truncated !== after.truncated) {
    diff.truncated = after.truncated;
    changed = true;
  }
  for (const c of VIEW_COLLECTIONS) {
    const was: Record<string, unknown> = before[c];
    const now: Record<string, unknown> = after[c];
    const set: Record<string, unknown> = {};
    const removed = Object.keys(was).filter((key) => !(key in now));
    for (const [key, row] of Object.entries(now)) if (!same(was[key], row)) set[key] = row;
    if (Object.keys(set).length > 0) {
      diff.set = { ...diff.set, [c]: set };
      changed = true;
    }
    if (removed.length > 0) {
      diff.remove = { ...diff.remove, [c]: removed };
      changed = true;
    }
  }
  return changed ? diff : undefined;
}

/** `state` with `diff` applied (a new object; `state` is left as it was). The page runs this too. */
export function applyViewDiff(state: ViewState, diff: ViewDiff): ViewState {
  const merge = <R>(rows: Record<string, R>, c: ViewCollection, set: Record<string, R> | undefined) => {
    const next = { ...rows, ...set };
    for (const key of diff.remove?.[c] ?? []) delete next[key];
    return next;
  };
  return {
    health: diff.health ?? state.health,
    rates: diff.rates ?? state.rates,
    truncated: diff.truncated ?? state.truncated,
    instances: merge(state.instances, "instances", diff.set?.instances),
    meshes: merge(state.meshes, "meshes", diff.set?.meshes),
    sessions: merge(state.sessions, "sessions", diff.set?.sessions),
    backlog: merge(state.backlog, "backlog", diff.set?.backlog),
  };
}
