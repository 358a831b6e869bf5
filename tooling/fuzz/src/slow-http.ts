import { connect, type Socket } from "node:net";
import type { HttpObservation } from "./classify.ts";
import { parseRawResponse } from "./raw-http.ts";

/** How a stalled request ended. */
export interface StallOutcome {
  /** `answered`: the broker replied; `closed`: it hung up without a reply; `open`: still open when we gave up. */
  outcome: "answered" | "closed" | "open";
  afterMs: number;
  response?: HttpObservation;
}

interface RawConnection {
  socket: Socket;
  /** Resolves with the response, or the close/timeout, whichever comes first. */
  result: (timeoutMs: number) => Promise<StallOutcome>;
}

function open(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      const started = Date.now();
      let raw = "";
      let settle: ((o: StallOutcome) => void) | undefined;
      let settled: StallOutcome | undefined;
      const finish = (o: StallOutcome): void => {
        settled ??= o;
        settle?.(settled);
      };
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        raw += chunk;
        const response = parseRawResponse(raw, "POST");
        if (response) finish({ outcome: "answered", afterMs: Date.now() - started, response });
      });
      socket.on("close", () => finish({ outcome: "closed", afterMs: Date.now() - started }));
      socket.on("error", () => {});
      resolve({
        socket,
        result: (timeoutMs) =>
          new Promise((done) => {
            if (settled) return done(settled);
            const timer = setTimeout(() => done({ outcome: "open", afterMs: Date.now() - started }), timeoutMs);
            settle = (o) => {
              clearTimeout(timer);
              done(o);
            };
          }),
      });
    });
    socket.once("error", reject);
  });
}

function head(path: string, length: number, headers: Record<string, string>): string {
  const lines = [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", `Content-Length: ${length}`, "Connection: close"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Sends the head at once, then the body one byte every `delayMs`; resolves with the broker's answer. */
export async function trickleBody(
  port: number,
  path: string,
  body: string,
  delayMs: number,
  timeoutMs: number,
): Promise<StallOutcome> {
  const conn = await open(port);
  const bytes = Buffer.from(body);
  conn.socket.write(head(path, bytes.byteLength, { "content-type": "application/json" }));
  for (const byte of bytes) {
    if (conn.socket.destroyed) break;
    await Bun.sleep(delayMs);
    conn.socket.write(Buffer.from([byte]));
  }
  const outcome = await conn.result(timeoutMs);
  conn.socket.destroy();
  return outcome;
}

/** Declares `declared` bytes, sends `sent` of them, then stops; resolves when the broker acts or after `waitMs`. */
export async function stallBody(
  port: number,
  path: string,
  declared: number,
  sent: string,
  waitMs: number,
): Promise<StallOutcome> {
  const conn = await open(port);
  conn.socket.write(head(path, declared, { "content-type": "application/json" }) + sent);
  const outcome = await conn.result(waitMs);
  conn.socket.destroy();
  return outcome;
}

/** Sends half a request head and stops (slowloris). */
export async function stallHead(port: number, waitMs: number): Promise<StallOutcome> {
  const conn = await open(port);
  conn.socket.write("POST /hook/set-status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le");
  const outcome = await conn.result(waitMs);
  conn.socket.destroy();
  return outcome;
}
