/**
 * Stable error codes, shared by WebSocket `error` frames, close reasons and
 * HTTP error bodies. Clients branch on these; never rename one.
 */
export const ErrorCode = {
  // ── HTTP transport ──
  /** HTTP: no route at this path. */
  notFound: "not_found",
  /** HTTP: the path exists but not with this method. */
  methodNotAllowed: "method_not_allowed",
  /** HTTP: `/ws` was requested without a WebSocket upgrade. */
  upgradeRequired: "upgrade_required",
  /** HTTP: the body exceeds `MAX_MESSAGE_BYTES`. */
  payloadTooLarge: "payload_too_large",
  /** HTTP: the body is not JSON. */
  badJson: "bad_json",
  /** HTTP or WS: a field is missing or has the wrong type or range. */
  badRequest: "bad_request",
  /**
   * HTTP: too many hook requests for this (pid, cwd), or tokenless ones from this address; retry after `Retry-After` seconds.
   * WS: the sender is over `SEND_RATE_LIMIT_PER_SEC`; the send was not queued.
   */
  rateLimited: "rate_limited",
  /** HTTP: a hook token that matches no live session. */
  badHookToken: "bad_hook_token",
  /** HTTP: a tokenless hook while `HOOK_ALLOW_ANONYMOUS` is off. */
  hookTokenRequired: "hook_token_required",
  /** HTTP: a hook body not declared `Content-Type: application/json`. */
  unsupportedMediaType: "unsupported_media_type",
  /** HTTP: a hook request carrying an `Origin` header (sent by a browser, never by a hook script). */
  originRefused: "origin_refused",

  // ── hello (each also the reason of the 1008 close that follows) ──
  /** WS: a frame that is not valid JSON or does not match its schema. */
  malformed: "malformed",
  /** WS: `sessionPubkey` (or `parentMemberPubkey`) is not 64 lower-case hex characters. */
  badSessionPubkey: "bad_session_pubkey",
  /** WS: the session key is another member's key, or another member's session holds it. */
  sessionKeyTaken: "session_key_taken",
  /**
   * WS: a `session_hello`'s parent attestation names other keys than the hello,
   * has expired, or runs longer than 24 h.
   */
  badAttestation: "bad_attestation",
  /** WS: hello timestamp more than 60 s away from the broker's clock. */
  timestampSkew: "timestamp_skew",
  /** WS: the hello signature does not verify against `pubkey`. */
  badSignature: "bad_signature",
  /** WS: no non-revoked member of that mesh has that memberId and pubkey. */
  unauthorized: "unauthorized",
  /**
   * WS: a hello with this member's signed timestamp was accepted before (a
   * captured hello replayed); a client signs a new one and reconnects.
   */
  helloReplayed: "hello_replayed",
  /** WS: the mesh already has `MAX_CONNECTIONS_PER_MESH` live sessions. */
  capacity: "capacity",
  /** WS: the first frame was not a hello. */
  noHello: "no_hello",
  /** WS: a second hello on an authenticated session. */
  alreadyAuthenticated: "already_authenticated",
  /** WS: no hello within `HELLO_TIMEOUT_MS` of the upgrade. */
  helloTimeout: "hello_timeout",
  /**
   * WS: the socket has more than `WS_MAX_PENDING_FRAMES` frames or
   * `WS_MAX_PENDING_BYTES` bytes waiting to be handled; closed with 1008.
   */
  frameFlood: "frame_flood",
  /** WS: the mesh was archived; its sessions are closed with 4002. */
  meshArchived: "mesh_archived",

  // ── frames of an authenticated session ──
  /** WS: a frame `type` the broker does not know. */
  unknownType: "unknown_type",
  /** WS: `targetSpec` names no non-revoked member of the sender's mesh, nor a session key of it. */
  unknownRecipient: "unknown_recipient",
  /** WS: a claudemesh group (`@name`) or topic (`#topic`) target, which this broker does not route. */
  unsupportedTarget: "unsupported_target",
  /** WS: `priority` is not now, next or low. */
  badPriority: "bad_priority",
  /** WS: `nonce` or `ciphertext` is not base64. */
  badBase64: "bad_base64",
  /** WS: `status` is not idle, working or dnd. */
  badStatus: "bad_status",
  /** WS: `client_ack` for an envelope this session does not hold. */
  unknownMessage: "unknown_message",
  /** WS: the mesh holds `MESH_QUEUE_CAP` undelivered envelopes; the send was not queued. */
  queueFull: "queue_full",

  // ── /join ──
  /** The invite payload's signature does not verify against its owner key. */
  inviteBadSignature: "invite_bad_signature",
  /** No mesh with the invite's `mesh_id`. */
  meshNotFound: "mesh_not_found",
  /** The invite was signed by a key that does not own the mesh. */
  inviteOwnerMismatch: "invite_owner_mismatch",
  /** No invite with this token. */
  inviteNotFound: "invite_not_found",
  /** The invite token belongs to another mesh than the payload names. */
  inviteMeshMismatch: "invite_mesh_mismatch",
  /** The invite was revoked by an operator. */
  inviteRevoked: "invite_revoked",
  /** The invite's expiry has passed. */
  inviteExpired: "invite_expired",
  /** The invite has no uses left. */
  inviteExhausted: "invite_exhausted",
  /** The public key was revoked from this mesh; it cannot rejoin with an invite. */
  memberRevoked: "member_revoked",
  /** A `strict` mesh: the join carries no proof that the joiner holds `peer_pubkey`'s secret key. */
  joinProofRequired: "join_proof_required",
  /** The join's proof is incomplete, too far from the broker's clock, or does not verify against `peer_pubkey`. */
  joinBadProof: "join_bad_proof",
  /** Another non-revoked member of the mesh has this display name (compared case-insensitively). */
  nameTaken: "name_taken",

  // ── admin API (docs/admin-api.md) ──
  /** HTTP 401: no admin credential, a wrong or malformed bearer token, or malformed owner-signature headers. */
  adminUnauthorized: "admin_unauthorized",
  /** HTTP 403: the request needs the operator credential and `ADMIN_TOKEN_SHA256` is unset. */
  adminNotConfigured: "admin_not_configured",
  /** HTTP 401: an owner-signed request's timestamp is more than 60 s from the broker's clock. */
  adminClockSkew: "admin_clock_skew",
  /** HTTP 401: an owner-signed request's signature does not verify (wrong key, string or body). */
  adminBadSignature: "admin_bad_signature",
  /** HTTP 403: the signing key is not the owner key of a mesh with this slug. */
  adminNotOwner: "admin_not_owner",
  /** HTTP 401: this owner key already sent a request with this timestamp (a replay). */
  adminReplayed: "admin_replayed",
  /** HTTP 409: a mesh with this slug exists. */
  meshExists: "mesh_exists",
  /** HTTP 404: the mesh has no member with this id. */
  memberNotFound: "member_not_found",
  /** HTTP 409: this invite link is stored already. */
  inviteExists: "invite_exists",
  /** HTTP 404: the mesh has no live session with this presence id. */
  sessionNotFound: "session_not_found",
  /** WS close 4003: an operator or the mesh owner closed this one session; the member may reconnect. */
  sessionKicked: "session_kicked",

  // ── anywhere ──
  /** Postgres is unreachable; nothing was stored. Retry later. */
  dbUnavailable: "db_unavailable",
  /** An unexpected broker error (logged with details on the broker side). */
  internal: "internal",
} as const;

/** One of the codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
