import type { ServerFrame } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";

interface PendingRequest {
  /** The frame type that answers this request. */
  answers: ServerFrame["type"];
  resolve: (frame: ServerFrame) => void;
  reject: (error: MeshError) => void;
}

/** The `_reqId` a frame echoes, as a key of the pending requests; undefined when it names none. */
export function echoedRequestId(frame: ServerFrame): string | undefined {
  return "_reqId" in frame && frame._reqId !== undefined ? String(frame._reqId) : undefined;
}

/**
 * Whether `frame` settles a request waiting for `answers`: an error fails
 * the request it names, any other frame must be the awaited answer. The one
 * place that says which frames answer which requests.
 */
export function settles(answers: ServerFrame["type"], frame: ServerFrame): boolean {
  return frame.type === "error" || frame.type === answers;
}

/**
 * Requests waiting for the broker's answer (`set_status`, `list_peers`,
 * `heartbeat`), matched by the `_reqId` the broker echoes. They do not
 * survive a disconnect: the caller fails them all then.
 */
export class PendingRequests {
  readonly #byId = new Map<string, PendingRequest>();
  #seq = 0;

  /** How many requests wait for an answer. */
  get size(): number {
    return this.#byId.size;
  }

  /**
   * Registers a request waiting for a frame of type `answers`, then hands its
   * fresh `_reqId` to `write`; resolves with the answering frame.
   */
  open(answers: ServerFrame["type"], write: (reqId: string) => void): Promise<ServerFrame> {
    const reqId = `r${++this.#seq}`;
    return new Promise<ServerFrame>((resolve, reject) => {
      this.#byId.set(reqId, { answers, resolve, reject });
      write(reqId);
    });
  }

  /** Whether some request waits for `frame`. */
  awaits(frame: ServerFrame): boolean {
    return this.#match(frame) !== undefined;
  }

  /** Resolves (or, for an error frame, rejects) the request `frame` answers; false when none waits for it. */
  settle(frame: ServerFrame): boolean {
    const match = this.#match(frame);
    if (!match) return false;
    this.#byId.delete(match.reqId);
    if (frame.type === "error") match.request.reject(MeshError.fromBroker(frame.code, frame.message));
    else match.request.resolve(frame);
    return true;
  }

  /** Rejects every waiting request (the connection closed, or the client did). */
  failAll(error: () => MeshError): void {
    for (const request of this.#byId.values()) request.reject(error());
    this.#byId.clear();
  }

  #match(frame: ServerFrame): { reqId: string; request: PendingRequest } | undefined {
    const reqId = echoedRequestId(frame);
    const request = reqId === undefined ? undefined : this.#byId.get(reqId);
    if (reqId === undefined || !request || !settles(request.answers, frame)) return undefined;
    return { reqId, request };
  }
}
