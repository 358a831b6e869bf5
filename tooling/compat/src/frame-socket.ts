/** A JSON frame from the broker. */
export type Frame = Record<string, unknown> & { type: string };

/** How a socket ended. */
export interface SocketClose {
  code: number;
  reason: string;
}

const open = new Set<FrameSocket>();

/** Sockets opened and not yet closed: a test's `afterEach` expects none. */
export function openFrameSockets(): number {
  return open.size;
}

/**
 * A raw WebSocket (the runtime's own) that keeps every JSON frame it
 * receives in arrival order, and lets a caller wait for one. Text that is
 * not a JSON object with a string `type` is ignored, as claudemesh clients
 * ignore it.
 */
export class FrameSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<SocketClose>;
  readonly #ws: WebSocket;
  readonly #taken = new Set<Frame>();
  readonly #wakers = new Set<() => void>();
  #close: SocketClose | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    open.add(this);
    ws.onmessage = (event) => {
      const frame = parseFrame(event.data);
      if (frame) this.frames.push(frame);
      this.#wake();
    };
    this.closed = new Promise((resolve) => {
      ws.onclose = (event) => {
        open.delete(this);
        this.#close = { code: event.code, reason: event.reason };
        resolve(this.#close);
        this.#wake();
      };
    });
  }

  /** Opens `url` and resolves once the socket is open. */
  static async open(url: string): Promise<FrameSocket> {
    const ws = new WebSocket(url);
    const socket = new FrameSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`WebSocket to ${url} did not open`));
    });
    return socket;
  }

  /** Writes one frame as JSON. */
  send(frame: Record<string, unknown>): void {
    this.#ws.send(JSON.stringify(frame));
  }

  /**
   * Resolves with the first frame not taken before that `matches`, waiting up
   * to `timeoutMs` for it; rejects when the socket closes or time runs out.
   */
  async next(matches: (frame: Frame) => boolean, timeoutMs = 15_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f) => !this.#taken.has(f) && matches(f));
      if (found) {
        this.#taken.add(found);
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.#close) {
        const why = this.#close ? `the socket closed (${this.#close.code} ${this.#close.reason})` : `${timeoutMs} ms`;
        throw new Error(`no matching frame before ${why}; frames: ${JSON.stringify(this.frames)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#wakers.add(wake);
      });
    }
  }

  /** Closes (1000) unless closed already, and resolves once the close is seen. */
  async close(): Promise<SocketClose> {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) this.#ws.close(1000);
    return this.closed;
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}

function parseFrame(data: unknown): Frame | undefined {
  if (typeof data !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string") {
      return value as Frame;
    }
  } catch {
    // Not JSON: ignored.
  }
  return undefined;
}
