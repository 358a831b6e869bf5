import { createServer, connect as netConnect, type Server, type Socket } from "node:net";

/**
 * A TCP relay in front of Postgres that can go silent, the way a database
 * host that vanished looks from a client: after `cut()` nothing crosses any
 * more, connections already open get no answer, and new ones are accepted
 * but never answered (so a driver waits for its connect timeout instead of
 * failing at once, as it would on a refused port). Works in front of any
 * server, embedded or external.
 */
export interface PostgresBlackhole {
  /** `targetUrl` with its host and port replaced by the relay's. */
  readonly url: string;
  readonly port: number;
  /** True between `cut()` and `restore()`. */
  readonly silent: boolean;
  /** From now on nothing crosses; open connections go silent, new ones hang. */
  cut: () => void;
  /** Lets new connections through again; the connections that went silent are dropped. */
  restore: () => void;
  /** Stops listening and drops every connection. */
  close: () => Promise<void>;
}

/** One client connection and, unless it arrived while silent, its connection to the server. */
interface Pair {
  client: Socket;
  server: Socket | undefined;
}

/** Starts a relay on 127.0.0.1 (a free port) to the server of `targetUrl`. */
export async function startPostgresBlackhole(targetUrl: string): Promise<PostgresBlackhole> {
  const target = new URL(targetUrl);
  const targetHost = target.hostname;
  const targetPort = Number(target.port || "5432");
  const pairs = new Set<Pair>();
  let silent = false;

  const drop = (pair: Pair): void => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.server?.destroy();
  };

  const server: Server = createServer((client) => {
    const pair: Pair = { client, server: undefined };
    pairs.add(pair);
    client.on("error", () => drop(pair));
    client.on("close", () => drop(pair));
    // A connection made while silent is held open and never answered.
    if (silent) {
      client.pause();
      return;
    }
    const upstream = netConnect(targetPort, targetHost);
    pair.server = upstream;
    upstream.on("error", () => drop(pair));
    upstream.on("close", () => drop(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the relay has no TCP address");
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);

  return {
    url: url.toString(),
    port: address.port,
    get silent() {
      return silent;
    },
    cut: () => {
      silent = true;
      for (const pair of pairs) {
        pair.client.unpipe();
        pair.server?.unpipe();
        pair.client.pause();
        pair.server?.pause();
      }
    },
    restore: () => {
      silent = false;
      for (const pair of [...pairs]) drop(pair);
    },
    close: async () => {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
