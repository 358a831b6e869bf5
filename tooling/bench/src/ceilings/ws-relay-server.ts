/**
 * The transport ceiling's server: a bare Bun.serve WebSocket relay with no
 * database and no checks. `hello` registers the pubkey, `send` is answered
 * with an `ack` and relayed as a `push`, everything else is ignored. Run as
 * its own process (like the broker): `bun ws-relay-server.ts <port>`.
 */
import { randomUUID } from "node:crypto";
import type { ServerWebSocket } from "bun";

type Socket = ServerWebSocket<{ pubkey?: string }>;

const port = Number(process.argv[2]);
const byPubkey = new Map<string, Socket>();
let rowId = 0;

const server = Bun.serve<{ pubkey?: string }>({
  hostname: "127.0.0.1",
  port,
  fetch: (req, srv) => (srv.upgrade(req, { data: {} }) ? undefined : new Response("upgrade", { status: 426 })),
  websocket: {
    idleTimeout: 0,
    message: (ws: Socket, raw) => {
      const frame = JSON.parse(String(raw)) as Record<string, string>;
      if (frame.type === "hello") {
        ws.data.pubkey = frame.pubkey;
        byPubkey.set(String(frame.pubkey), ws);
        ws.send(
          JSON.stringify({
            type: "hello_ack",
            presenceId: randomUUID(),
            memberDisplayName: "relay",
            hookToken: "",
            features: ["ack"],
            _reqId: frame._reqId,
          }),
        );
        return;
      }
      if (frame.type !== "send") return;
      const messageId = randomUUID();
      ws.send(JSON.stringify({ type: "ack", id: frame.id ?? null, messageId, queued: true, recipients: 1 }));
      byPubkey.get(String(frame.targetSpec))?.send(
        JSON.stringify({
          type: "push",
          messageId,
          brokerMessageId: String(++rowId),
          meshId: "relay",
          senderPubkey: ws.data.pubkey,
          priority: frame.priority,
          nonce: frame.nonce,
          ciphertext: frame.ciphertext,
          createdAt: new Date().toISOString(),
        }),
      );
    },
    close: (ws: Socket) => {
      if (ws.data.pubkey && byPubkey.get(ws.data.pubkey) === ws) byPubkey.delete(ws.data.pubkey);
    },
  },
});

process.stdout.write(`listening ${server.port}\n`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
