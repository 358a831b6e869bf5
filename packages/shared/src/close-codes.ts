/** WebSocket close codes the broker uses (RFC 6455 §7.4.1). */
export const CloseCode = {
  /** The session ended normally. */
  normal: 1000,
  /** The broker is shutting down; reconnect (to any instance). */
  goingAway: 1001,
  /** Policy violation: authentication failed or the mesh is at capacity; the reason names the code. */
  policy: 1008,
  /** A frame larger than `MAX_MESSAGE_BYTES`. */
  tooBig: 1009,
  /** An unexpected broker error. */
  internalError: 1011,
  /**
   * The member was revoked or its mesh archived: do not reconnect (claudemesh
   * clients stop on 4002 too). The reason names the code.
   */
  revoked: 4002,
  /**
   * An operator or the mesh owner kicked this one session (docs/admin-api.md);
   * the reason is `session_kicked`. The member is not revoked: reconnect.
   */
  kicked: 4003,
} as const;

/** One of the close codes in {@link CloseCode}. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
