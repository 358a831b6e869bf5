import { ErrorCode } from "@mesh/shared";

/**
 * The codes the SDK raises itself, without the broker having answered
 * (codes the broker also uses, such as `invite_expired`, are in
 * {@link BrokerErrorCode}).
 */
export const ClientErrorCode = {
  /** A broker URL that is not a ws://, wss://, http:// or https:// URL, or carries credentials. */
  badBrokerUrl: "bad_broker_url",
  /** The broker sent a frame that is not JSON or matches no known frame. */
  badFrame: "bad_frame",
  /** A session record names a presence id of an unexpected shape. */
  badPresence: "bad_presence",
  /** The broker's HTTP answer has an unexpected shape. */
  badResponse: "bad_response",
  /** A mesh slug of an unexpected shape. */
  badSlug: "bad_slug",
  /** A send target that is neither a member's public key (64 hex) nor `*`. */
  badTarget: "bad_target",
  /** The broker's HTTP endpoint could not be reached. */
  brokerUnreachable: "broker_unreachable",
  /** The client was closed; nothing more is sent. */
  closed: "closed",
  /** A file in the mesh home is not valid JSON or not of the expected shape. */
  configCorrupt: "config_corrupt",
  /** No session within the connect timeout. */
  connectTimeout: "connect_timeout",
  /** The connection dropped while a request waited for its answer. */
  disconnected: "disconnected",
  /** A send with this id is already in flight. */
  duplicateId: "duplicate_id",
  /** A message handler threw; the envelope stays unacknowledged and is redelivered. */
  handlerFailed: "handler_failed",
  /** The text is not an invite link, or its payload is incomplete. */
  inviteMalformed: "invite_malformed",
  /** Several meshes are joined in this home and none was picked. */
  meshAmbiguous: "mesh_ambiguous",
  /** A request that needs a live session was made while there is none. */
  notConnected: "not_connected",
  /** No membership in this home (for this mesh). */
  notJoined: "not_joined",
  /** No acknowledgement of a send within its timeout (it may still have been queued). */
  sendTimeout: "send_timeout",
  /** An envelope that does not decrypt with this member's keys; it is acknowledged and dropped. */
  undecryptable: "undecryptable",
  /** The broker answered with a code this SDK does not know (a newer broker): see `brokerCode`. */
  unknownBrokerCode: "unknown_broker_code",
} as const;

/** A code the SDK raises itself. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** A code the broker answers with (WebSocket `error` frames, close reasons, HTTP bodies; docs/protocol.md). */
export type BrokerErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every `code` a {@link MeshError} can carry: a closed union, so a `switch` over it can be exhaustive. */
export type MeshErrorCode = ClientErrorCode | BrokerErrorCode;

const BROKER_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Whether `code` is a code the broker is documented to send. */
export function isBrokerErrorCode(code: string): code is BrokerErrorCode {
  return BROKER_CODES.has(code);
}

/**
 * The one error type of the SDK: a stable `code` and a message for people.
 * The SDK never exits the process; a program decides what a code means to it.
 */
export class MeshError extends Error {
  /**
   * The code exactly as the broker sent it, when the broker answered; with
   * `unknown_broker_code` it is the code this SDK does not know.
   */
  readonly brokerCode: string | undefined;

  constructor(
    readonly code: MeshErrorCode,
    message: string,
    options?: { cause?: unknown; brokerCode?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MeshError";
    this.brokerCode = options?.brokerCode;
  }

  /** An error the broker answered with: its code when the SDK knows it, else `unknown_broker_code`. */
  static fromBroker(code: string, message: string): MeshError {
    const known = isBrokerErrorCode(code) ? code : ClientErrorCode.unknownBrokerCode;
    return new MeshError(known, known === code ? message : `${message} (${code})`, { brokerCode: code });
  }
}
