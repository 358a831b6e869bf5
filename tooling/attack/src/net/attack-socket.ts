/** A frame from the broker, as parsed JSON. */
export type Frame = Record<string, unknown> & { type?: unknown };

/** How a socket ended, as the client saw it. */
export interface CloseInfo {
  code: number;
  reason: string;
  /** `performance.now()` when the close arrived. */
  at: number;
}

/**
 * A WebSocket to the broker that records frames (unless told not to), counts
 * the bytes it receives, and lets an attack wait for a frame or the close.
 */
export class AttackSocket {
  readonly frames: Frame[] = [];
  readonly #taken = new Set<Frame>();
  readonly #waiters = new Set<() => void>();
  readonly #listeners: ((frame: Frame, bytes: number) => void)[] = [];
  bytesReceived = 0;
  framesReceived = 0;
  closeInfo: CloseInfo | undefined;
  readonly closed: Promise<CloseInfo>;

  private constructor(
    readonly ws: WebSocket,
    /** False: frames are counted and handed to listeners, not kept (floods). */
    public recording: boolean,
  ) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e) => {
      const text = typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer);
      this.bytesReceived += text.length;
      this.framesReceived += 1;
      const frame = this.recording ? parseFrame(text) : (peekFrame(text) ?? parseFrame(text));
      if (this.recording) this.frames.push(frame);
      for (const listener of this.#listeners) listener(frame, text.length);
      this.#wake();
    };
    this.closed = new Promise((resolve) => {
      ws.onclose = (e) => {
        this.closeInfo = { code: e.code, reason: e.reason, at: performance.now() };
        resolve(this.closeInfo);
        this.#wake();
      };
    });
  }

  /** Opens `wsUrl`. */
  static open(wsUrl: string, options: { timeoutMs?: number } = {}): Promise<AttackSocket> {
    const ws = new WebSocket(wsUrl);
    const socket = new AttackSocket(ws, true);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error("websocket did not open"));
      }, options.timeoutMs ?? 10_000);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(socket);
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error("websocket did not open"));
      };
    });
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Stops keeping frames (and forgets those kept): a flood only counts them. */
  stopRecording(): void {
    this.recording = false;
    this.frames.length = 0;
  }

  /** Calls `listener` with every frame from now on (recorded or not). */
  onFrame(listener: (frame: Frame, bytes: number) => void): void {
    this.#listeners.push(listener);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): void {
    if (this.isOpen) this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /**
   * The first recorded frame not taken before that `match` accepts, or
   * undefined once `timeoutMs` passed or the socket closed without one.
   */
  async next(match: (f: Frame) => boolean, timeoutMs: number): Promise<Frame | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f) => !this.#taken.has(f) && match(f));
      if (found) {
        this.#taken.add(found);
        return found;
      }
      const left = deadline - performance.now();
      if (left <= 0 || this.closeInfo) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  /** The close, or undefined if it did not come within `timeoutMs`. */
  async closeWithin(timeoutMs: number): Promise<CloseInfo | undefined> {
    if (this.closeInfo) return this.closeInfo;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes (if open) and waits up to 3 s for the close event. */
  async close(): Promise<void> {
    if (this.closeInfo) return;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    await this.closeWithin(3000);
  }
}

function parseFrame(text: string): Frame {
  try {
    return JSON.parse(text) as Frame;
  } catch {
    return { type: "non-json", raw: text.slice(0, 80) };
  }
}

/** Frames this long are not parsed when only counted: a flood of them would load the harness, not the broker. */
const PEEK_OVER_CHARS = 4096;

/** A long frame's type (and `_reqId`) read from its first bytes; the broker writes `type` first. */
function peekFrame(text: string): Frame | undefined {
  if (text.length <= PEEK_OVER_CHARS) return undefined;
  const type = /^\{"type":"([a-z_]+)"/.exec(text)?.[1];
  return type ? { type, peeked: true } : undefined;
}

/** Matches a frame by type (and an optional predicate). */
export const ofType =
  (type: string, also?: (f: Frame) => boolean) =>
  (f: Frame): boolean =>
    f.type === type && (also?.(f) ?? true);
