import type { SocketFactory, SocketLike } from "@mesh/sdk";

/** A frame as the tap sees it. */
export type TapFrame = Record<string, unknown>;

/** What a tap may do with one frame: let it through, swallow it, or (outgoing only) write it twice. */
export type TapVerdict = "pass" | "swallow" | "twice";

/** Inspects the frames of one socket; either side may call `socket.drop()`. */
export interface SocketTap {
  outgoing?: (frame: TapFrame, socket: TappedSocket) => TapVerdict;
  incoming?: (frame: TapFrame, socket: TappedSocket) => TapVerdict;
}

/**
 * The runtime's real WebSocket behind the `SocketLike` the SDK uses, with
 * every frame passing through a tap. `drop()` makes the connection die the
 * way a crashed process or a lost network would: from then on nothing goes
 * out and nothing more reaches the client, then the socket closes.
 */
export class TappedSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly #ws: WebSocket;
  readonly #tap: SocketTap;
  #dropped = false;

  constructor(url: string, tap: SocketTap) {
    this.#tap = tap;
    this.#ws = new WebSocket(url);
    this.#ws.onopen = (e) => this.onopen?.(e);
    this.#ws.onerror = (e) => this.onerror?.(e);
    this.#ws.onclose = (e) => this.onclose?.({ code: e.code, reason: e.reason });
    this.#ws.onmessage = (e) => {
      if (this.#dropped) return;
      if (this.#tap.incoming?.(JSON.parse(String(e.data)) as TapFrame, this) === "swallow") return;
      if (this.#dropped) return;
      this.onmessage?.({ data: e.data });
    };
  }

  get readyState(): number {
    return this.#dropped ? WebSocket.CLOSING : this.#ws.readyState;
  }

  send(data: string): void {
    if (this.#dropped) return;
    const verdict = this.#tap.outgoing?.(JSON.parse(data) as TapFrame, this) ?? "pass";
    if (this.#dropped || verdict === "swallow") return;
    this.#ws.send(data);
    if (verdict === "twice") this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#ws.close(code, reason);
  }

  /** Kills the connection now; frames still in flight are lost with it. */
  drop(): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#ws.close(4001, "chaos: connection lost");
  }
}

/** A socket factory whose sockets all pass through `tap`. */
export function tappedFactory(tap: SocketTap): SocketFactory {
  return (url) => new TappedSocket(url, tap);
}
