/**
 * Stable error codes, shared by WebSocket `error` frames and HTTP error
 * bodies. Clients branch on these; never rename one.
 */
export const ErrorCode = {
  /** HTTP: no route at this path. */
  notFound: "not_found",
  /** HTTP: the path exists but not with this method. */
  methodNotAllowed: "method_not_allowed",
  /** HTTP: `/ws` was requested without a WebSocket upgrade. */
  upgradeRequired: "upgrade_required",
  /** HTTP: the body exceeds `MAX_MESSAGE_BYTES`. */
  payloadTooLarge: "payload_too_large",
  /** Postgres is unreachable; nothing was stored. Retry later. */
  dbUnavailable: "db_unavailable",
  /** The broker does not implement this yet. */
  notImplemented: "not_implemented",
  /** An unexpected broker error (logged with details on the broker side). */
  internal: "internal",
} as const;

/** One of the codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
