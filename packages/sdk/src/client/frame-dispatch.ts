import { type ErrorFrame, type HelloAckFrame, type ServerFrame, type StatusFrame, serverFrame } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import type { Inbox } from "./inbox.ts";
import type { Outbox } from "./outbox.ts";
import type { PendingRequests } from "./pending-requests.ts";
import type { HelloRefusal } from "./reconnect-policy.ts";

/** A frame off the socket: a typed server frame, or why it is not one. */
export type ParsedFrame = { ok: true; frame: ServerFrame } | { ok: false; error: MeshError };

/** Parses what the socket delivered (text, or bytes of UTF-8 JSON) into a server frame. */
export function parseServerFrame(data: unknown): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof data === "string" ? data : Buffer.from(data as ArrayBuffer).toString("utf8"));
  } catch {
    return { ok: false, error: new MeshError("bad_frame", "the broker sent a frame that is not JSON") };
  }
  const parsed = serverFrame.safeParse(raw);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const type = (raw as { type?: unknown } | null)?.type;
  return { ok: false, error: new MeshError("bad_frame", `the broker sent an unexpected frame (${String(type)})`) };
}

/** Who an error frame is for. */
export type ErrorOwner =
  /** Before a session exists, an error explains the hello refusal (and the close) that follows. */
  | { owner: "hello" }
  /** The broker refused the unanswered send with this `id`. */
  | { owner: "send"; id: string }
  /** The broker failed a request that echoes its `_reqId`. */
  | { owner: "request" }
  /** Nobody waits for it: the application hears of it. */
  | { owner: "application" };

/** What the client is waiting for, as far as an error frame could answer it. */
export interface ErrorClaims {
  inSession: boolean;
  isUnansweredSend: (id: string) => boolean;
  isAwaitedRequest: (frame: ErrorFrame) => boolean;
}

/** Decides who an error frame from the broker is for, in order: the hello, a send, a request, else the application. */
export function errorOwner(frame: ErrorFrame, claims: ErrorClaims): ErrorOwner {
  if (!claims.inSession) return { owner: "hello" };
  if (frame.id !== undefined && claims.isUnansweredSend(frame.id)) return { owner: "send", id: frame.id };
  if (claims.isAwaitedRequest(frame)) return { owner: "request" };
  return { owner: "application" };
}

/** Where each kind of frame goes. */
export interface FrameHandlers {
  inSession: () => boolean;
  established: (ack: HelloAckFrame) => void;
  helloRefused: (refusal: HelloRefusal) => void;
  outbox: Pick<Outbox, "has" | "acknowledge" | "refuse">;
  requests: Pick<PendingRequests, "awaits" | "settle">;
  inbox: Pick<Inbox, "accept">;
  /** A status change no request asked for (a hook, a sweep). */
  status: (frame: StatusFrame) => void;
  /** An error frame nobody was waiting for. */
  error: (error: MeshError) => void;
}

/** Hands a parsed server frame to whoever it is for. */
export function dispatchFrame(frame: ServerFrame, to: FrameHandlers): void {
  switch (frame.type) {
    case "hello_ack":
      to.established(frame);
      return;
    case "ack":
      to.outbox.acknowledge(frame);
      return;
    case "push":
      to.inbox.accept(frame);
      return;
    case "error":
      dispatchError(frame, to);
      return;
    case "status":
      if (!to.requests.settle(frame)) to.status(frame);
      return;
    case "peers_list":
      to.requests.settle(frame);
      return;
  }
}

function dispatchError(frame: ErrorFrame, to: FrameHandlers): void {
  const route = errorOwner(frame, {
    inSession: to.inSession(),
    isUnansweredSend: (id) => to.outbox.has(id),
    isAwaitedRequest: (f) => to.requests.awaits(f),
  });
  switch (route.owner) {
    case "hello":
      to.helloRefused({ code: frame.code, message: frame.message });
      return;
    case "send":
      to.outbox.refuse(route.id, MeshError.fromBroker(frame.code, frame.message));
      return;
    case "request":
      to.requests.settle(frame);
      return;
    case "application":
      to.error(MeshError.fromBroker(frame.code, frame.message));
      return;
  }
}
