import { randomUUID } from "node:crypto";
import { helloSigningString, nextHelloTimestamp, type Priority, type Status, signEd25519 } from "@mesh/shared";
import type { BenchPeer } from "./bench-fixture.ts";

/** What a load client hands to its workload. */
export interface LoadClientHandlers {
  onPush?: (client: LoadClient, push: { brokerMessageId: string; messageId: string; nonce: string }) => void;
  onAck?: (client: LoadClient, ack: { id: string | null; messageId: string }) => void;
  onError?: (client: LoadClient, error: { code: string; message: string; id?: string }) => void;
}

/** Options of {@link LoadClient.connect}. */
export interface LoadClientOptions {
  /** `["ack"]`: confirm every push with `client_ack` (at-least-once delivery). */
  features?: string[];
  cwd?: string;
  pid?: number;
  handlers?: LoadClientHandlers;
  timeoutMs?: number;
}

type Incoming = { type?: unknown; [key: string]: unknown };

const open = new Set<LoadClient>();

/** Load clients not yet closed; a workload must leave none. */
export function openLoadClients(): number {
  return open.size;
}

/** Closes whatever a failed workload left open. */
export async function closeAllLoadClients(): Promise<void> {
  await Promise.all([...open].map((c) => c.close()));
}

/**
 * One agent session speaking the real protocol over Bun's WebSocket: a
 * signed `hello`, `send` frames, `set_status`, and a `client_ack` for every
 * push when the `ack` feature is on.
 */
export class LoadClient {
  hookToken = "";
  presenceId = "";
  private readonly waiters = new Map<string, (frame: Incoming) => void>();
  private readonly closed: Promise<void>;
  private nextReq = 0;

  private constructor(
    readonly peer: BenchPeer,
    private readonly ws: WebSocket,
    private readonly acking: boolean,
    private readonly handlers: LoadClientHandlers,
  ) {
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (e) => {
        open.delete(this);
        // A refused hello ends with a close (1008 and the code as reason): answer every waiting request.
        for (const waiter of this.waiters.values()) waiter({ type: "closed", code: e.code, reason: e.reason });
        this.waiters.clear();
        resolve();
      });
    });
    ws.addEventListener("message", (e) => this.receive(String(e.data)));
  }

  /** Opens a socket, says a signed hello and resolves on `hello_ack` (rejects on refusal or timeout). */
  static async connect(url: string, peer: BenchPeer, options: LoadClientOptions = {}): Promise<LoadClient> {
    const ws = new WebSocket(url);
    const features = options.features ?? [];
    const client = new LoadClient(peer, ws, features.includes("ack"), options.handlers ?? {});
    open.add(client);
    const timeoutMs = options.timeoutMs ?? 30_000;
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          ws.addEventListener("open", () => resolve(), { once: true });
          ws.addEventListener("error", () => reject(new Error("websocket did not open")), { once: true });
        }),
        timeoutMs,
        "websocket open",
      );
      const timestamp = nextHelloTimestamp();
      const signed = { meshId: peer.meshId, memberId: peer.memberId, pubkey: peer.keys.publicKey, timestamp };
      const ack = client.request({
        type: "hello",
        ...signed,
        sessionId: randomUUID(),
        pid: options.pid ?? 10_000 + peer.index,
        cwd: options.cwd ?? `/bench/peer-${peer.index}`,
        signature: signEd25519(peer.keys, helloSigningString(signed)),
        features,
      });
      const frame = await withTimeout(ack, timeoutMs, "hello_ack");
      if (frame.type !== "hello_ack") {
        throw new Error(
          `hello refused: ${String(frame.type)} ${String(frame.code ?? "")} ${String(frame.reason ?? "")}`,
        );
      }
      client.hookToken = String(frame.hookToken);
      client.presenceId = String(frame.presenceId);
      return client;
    } catch (e: unknown) {
      await client.close();
      throw e;
    }
  }

  /** Sends one envelope; `id` is the client's correlation id echoed in the `ack`. */
  send(targetSpec: string, priority: Priority, nonce: string, ciphertext: string, id: string): void {
    this.ws.send(JSON.stringify({ type: "send", targetSpec, priority, nonce, ciphertext, id }));
  }

  /** `set_status` (a manual override); resolves with the broker's `status` answer. */
  async setStatus(status: Status): Promise<void> {
    const answer = await withTimeout(this.request({ type: "set_status", status }), 30_000, "status answer");
    if (answer.type !== "status" || answer.status !== status) {
      throw new Error(`set_status ${status} answered ${JSON.stringify(answer)}`);
    }
  }

  /** Closes with 1000 and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) {
      open.delete(this);
      return;
    }
    this.ws.close(1000, "bench done");
    await withTimeout(this.closed, 5000, "close").catch(() => {
      open.delete(this);
    });
  }

  private request(frame: Record<string, unknown>): Promise<Incoming> {
    const reqId = `r${this.nextReq++}`;
    return new Promise((resolve) => {
      this.waiters.set(reqId, resolve);
      this.ws.send(JSON.stringify({ ...frame, _reqId: reqId }));
    });
  }

  private receive(text: string): void {
    const frame = JSON.parse(text) as Incoming;
    switch (frame.type) {
      case "push": {
        const brokerMessageId = String(frame.brokerMessageId);
        if (this.acking) this.ws.send(`{"type":"client_ack","brokerMessageId":"${brokerMessageId}"}`);
        this.handlers.onPush?.(this, {
          brokerMessageId,
          messageId: String(frame.messageId),
          nonce: String(frame.nonce),
        });
        return;
      }
      case "ack":
        this.handlers.onAck?.(this, { id: (frame.id as string | null) ?? null, messageId: String(frame.messageId) });
        return;
      default: {
        const reqId = typeof frame._reqId === "string" ? frame._reqId : undefined;
        const waiter = reqId === undefined ? undefined : this.waiters.get(reqId);
        if (reqId !== undefined && waiter) {
          this.waiters.delete(reqId);
          waiter(frame);
          return;
        }
        if (frame.type === "error") {
          this.handlers.onError?.(this, {
            code: String(frame.code),
            message: String(frame.message),
            ...(typeof frame.id === "string" ? { id: frame.id } : {}),
          });
        }
      }
    }
  }
}

/** Rejects with a named timeout unless `promise` settles within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
