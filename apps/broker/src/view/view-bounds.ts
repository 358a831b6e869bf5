/**
 * Everything the live view holds or sends is bounded: sockets per instance,
 * what a viewer may send, what it may leave unread, and the rows a state
 * carries (so a snapshot stays under about a megabyte whatever the meshes).
 */
export const VIEW_BOUNDS = {
  /** Open `/view/ws` sockets per instance, authenticated or not; the next upgrade gets 503 `capacity`. */
  maxSockets: 16,
  /** The auth frame, the only frame a viewer sends, in bytes; a larger one closes with 1009. */
  maxInboundFrameBytes: 1024,
  /** A socket that has not authenticated by then is closed with 1008. */
  authTimeoutMs: 10_000,
  /** Bytes a viewer may leave unsent (it does not read); past it the viewer is dropped with 1008. */
  maxBufferedBytes: 2 * 1024 * 1024,
  /** Rows per collection; past it the state says `truncated`. */
  maxMeshes: 200,
  maxSessions: 2000,
  maxBacklogMembers: 1000,
  maxInstances: 64,
} as const;

/** Local changes (a status, a session opening or closing) are gathered this long before one read. */
export const VIEW_DEBOUNCE_MS = 75;

/**
 * Reads start at least this far apart, however fast statuses change: a storm
 * of hooks costs at most four reads a second, and a change still shows
 * within about a third of a second.
 */
export const VIEW_MIN_GAP_MS = 250;

/**
 * While someone watches, the whole state (backlog, rates, instances, and what
 * other instances changed) is re-read this often; see docs/live-view.md for
 * what one read costs.
 */
export const VIEW_REFRESH_MS = 3000;

/** Rates are taken over this window of recent reads. */
export const VIEW_RATE_WINDOW_MS = 10_000;
