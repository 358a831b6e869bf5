import type { ErrorCode } from "../error-codes.ts";
import type { Priority, Status } from "./primitives.ts";

/** Features this broker supports, announced in `hello_ack`. */
export const BROKER_FEATURES = ["ack"] as const;

type ReqId = { _reqId?: string | number };

/** The answer to a valid hello. */
export interface HelloAckFrame extends ReqId {
  type: "hello_ack";
  presenceId: string;
  memberDisplayName: string;
  /** Bearer token that scopes this session's hook POSTs to it alone. */
  hookToken: string;
  features: string[];
}

/** Sent after an envelope is committed to Postgres. */
export interface AckFrame extends ReqId {
  type: "ack";
  id: string | null;
  messageId: string;
  /** Always true: the envelope is stored and will be delivered by status. */
  queued: boolean;
  /** Queue rows created: 1 for a direct send, the other members for a broadcast. */
  recipients: number;
  /** True when this answers a retry of an already accepted `id`. */
  duplicate?: boolean;
}

/** An envelope delivered to a session. */
export interface PushFrame {
  type: "push";
  messageId: string;
  /** The recipient's own queue row; `client_ack` names it. */
  brokerMessageId: string;
  meshId: string;
  senderPubkey: string;
  priority: Priority;
  nonce: string;
  ciphertext: string;
  /** ISO 8601. */
  createdAt: string;
}

/** One live session of the mesh. */
export interface PeerInfo {
  pubkey: string;
  displayName: string;
  status: Status;
  sessionId: string;
  cwd: string | null;
  /** ISO 8601. */
  connectedAt: string;
}

/** The answer to `list_peers`. */
export interface PeersListFrame extends ReqId {
  type: "peers_list";
  peers: PeerInfo[];
}

/** The session's status after `set_status` or `heartbeat`, or after a hook or sweeper changed it. */
export interface StatusFrame extends ReqId {
  type: "status";
  status: Status;
  source: string;
}

/** A refusal or failure, with a stable code. */
export interface ErrorFrame extends ReqId {
  type: "error";
  code: ErrorCode;
  message: string;
  /** The `id` of the send this answers, when it answers one. */
  id?: string;
}

/** Every frame the broker sends. */
export type ServerFrame = HelloAckFrame | AckFrame | PushFrame | PeersListFrame | StatusFrame | ErrorFrame;
