import type { WsObservation } from "./classify.ts";

type WsEvent = { kind: "frame"; frame: unknown } | { kind: "close"; code: number; reason: string };

/** A WebSocket to the broker that turns frames and the close into a queue of events. */
export class WsProbe {
  private readonly events: WsEvent[] = [];
  private wake: (() => void) | undefined;
  closed = false;
  /** When the close arrived and its code, for sockets watched without reading. */
  closedAt: number | undefined;
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e) => {
      let frame: unknown;
      try {
        frame = JSON.parse(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer));
      } catch {
        frame = { type: "non-json", raw: String(e.data).slice(0, 80) };
      }
      this.push({ kind: "frame", frame });
    };
    ws.onclose = (e) => {
      this.closed = true;
      this.closedAt = Date.now();
      this.closeCode = e.code;
      this.push({ kind: "close", code: e.code, reason: e.reason });
    };
  }

  /** Opens `ws://127.0.0.1:<port>/ws`. */
  static open(port: number, timeoutMs = 5000): Promise<WsProbe> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const probe = new WsProbe(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("websocket did not open")), timeoutMs);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(probe);
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error("websocket did not open"));
      };
    });
  }

  private push(event: WsEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  send(data: string | Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  /** The next event, or undefined after `timeoutMs`. */
  async next(timeoutMs: number): Promise<WsEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.events.shift();
      if (event) return event;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /**
   * What one input got. `untilClose`: gather frames until the close (refusals,
   * oversize), stopping early at a `hello_ack`; else stop at the first answer.
   * Pushes are not answers and are skipped.
   */
  async observe(untilClose: boolean, timeoutMs: number): Promise<WsObservation> {
    const frames: unknown[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(deadline - Date.now());
      if (!event) return { frames, close: undefined };
      if (event.kind === "close") return { frames, close: { code: event.code, reason: event.reason } };
      const type = (event.frame as { type?: unknown } | null)?.type;
      if (type === "push") continue;
      frames.push(event.frame);
      if (!untilClose || type === "hello_ack") return { frames, close: undefined };
    }
  }

  /** Closes (if open) and waits for the close event. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close(1000);
    const deadline = Date.now() + 3000;
    while (!this.closed && Date.now() < deadline) await this.next(deadline - Date.now());
  }
}
