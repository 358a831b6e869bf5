import type { ServerWebSocket } from "bun";
import type { PushSocket } from "../delivery/push-socket.ts";
import type { Logger } from "../lib/logger.ts";
import type { StatusState } from "../status/status-model.ts";
import type { ViewerSocketState } from "../view/viewer-socket-state.ts";
import type { FrameBudget } from "./frame-budget.ts";

/** An authenticated agent session held by this instance. */
export interface Session {
  readonly presenceId: string;
  readonly memberId: string;
  readonly meshId: string;
  /** The member's key. */
  readonly pubkey: string;
  /** The session's own key (claudemesh 1.x), which seals what it sends; null for a member-keyed session. */
  readonly sessionPubkey: string | null;
  readonly displayName: string;
  readonly sessionId: string;
  readonly pid: number | null;
  readonly cwd: string | null;
  readonly features: ReadonlySet<string>;
  /** The socket as the drainer pushes to it. */
  readonly socket: PushSocket;
  /** Logs about this session: every line carries its mesh, member, presence and session ids. */
  readonly log: Logger;
  /** The status last written to the presence row (this instance's view). */
  status: StatusState;
  /** Set by a pong; cleared when the next ping goes out. */
  answeredPing: boolean;
}

/** Where a socket is in its life. */
export type SocketPhase = "awaiting_hello" | "authenticating" | "open" | "closed";

/** Per-socket state Bun keeps in `ws.data`. */
export interface SocketData {
  /** Which endpoint the socket came in by: an agent's `/ws`, or the live view's `/view/ws` (`view/`). */
  kind: "agent" | "viewer";
  /** The live view's state of a viewer socket; undefined on an agent's. */
  viewer: ViewerSocketState | undefined;
  phase: SocketPhase;
  session: Session | undefined;
  /** Frames of one socket are handled one after another, in arrival order. */
  queue: Promise<void>;
  /** Refuses the socket if no hello arrives in time; cleared on close. */
  helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** What this socket may make the broker do; set when the socket opens. */
  budget: FrameBudget | undefined;
  /** The broker is closing this socket for cause: frames still arriving or waiting are dropped. */
  closing: boolean;
}

/** A broker-side WebSocket. */
export type BrokerSocket = ServerWebSocket<SocketData>;

/** The initial `ws.data` of an upgraded connection. */
export function newSocketData(): SocketData {
  return {
    kind: "agent",
    viewer: undefined,
    phase: "awaiting_hello",
    session: undefined,
    queue: Promise.resolve(),
    helloTimer: undefined,
    budget: undefined,
    closing: false,
  };
}

/** Cancels the hello timeout (the first frame arrived, or the socket closed). */
export function stopHelloTimer(data: SocketData): void {
  clearTimeout(data.helloTimer);
  data.helloTimer = undefined;
}
