import { createServer, connect as netConnect, type Server, type Socket } from "node:net";

/** A TCP proxy between a broker and Postgres that can take the database away. */
export interface PgProxy {
  /** The database URL with the proxy's host and port. */
  url: string;
  /** Postgres down: every connection is cut and new ones are refused. */
  refuse: () => void;
  /** A network partition: connections stay open but nothing passes, and new ones are accepted and never answered. */
  blackhole: () => void;
  close: () => Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 forwarding to `databaseUrl`'s host and port. */
export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  const upstream = new URL(databaseUrl);
  const upstreamPort = Number(upstream.port || 5432);
  const sockets = new Set<Socket>();
  const pairs: [Socket, Socket][] = [];
  let mode: "pass" | "refused" | "blackhole" = "pass";
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode !== "pass") {
      client.pause();
      return;
    }
    const server = netConnect(upstreamPort, upstream.hostname);
    track(server);
    client.pipe(server);
    server.pipe(client);
    client.on("close", () => server.destroy());
    server.on("close", () => client.destroy());
    pairs.push([client, server]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));

  return {
    url: url.toString(),
    refuse: () => {
      mode = "refused";
      void closeServer();
      for (const s of sockets) s.destroy();
    },
    blackhole: () => {
      mode = "blackhole";
      for (const [client, server] of pairs) {
        client.unpipe(server);
        server.unpipe(client);
        client.pause();
        server.pause();
      }
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await closeServer();
    },
  };
}
