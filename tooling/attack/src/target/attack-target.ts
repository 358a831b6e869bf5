import { createDbClient, type Sql } from "@mesh/db";
import { createTestDatabase, freePort } from "@mesh/db/testing";
import {
  type BrokerChild,
  parseLogLine,
  spawnBrokerChild,
  stopChild,
  streamLines,
  waitUntilHealthy,
} from "@mesh/harness";
import { processRss } from "./process-rss.ts";
import type { Resources } from "./resources.ts";

/** A database of the attack's own on the run's Postgres server. */
export interface AttackDatabase {
  url: string;
  name: string;
}

/** A broker child process under attack. */
export interface BrokerUnderAttack {
  port: number;
  wsUrl: string;
  httpUrl: string;
  child: BrokerChild;
  alive: () => boolean;
  /** VmRSS of the broker process in bytes. */
  rssBytes: () => number | undefined;
  /** `GET /health`'s status, or 0 when the request failed or took over `timeoutMs`. */
  health: (timeoutMs?: number) => Promise<number>;
  /** Lines the broker logged at error level or above (and lines that were not JSON). */
  errors: string[];
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`); resolves with the exit code and how long it took. */
  stop: (signal: NodeJS.Signals, graceMs: number) => Promise<{ code: number | string; ms: number }>;
}

/** Starts a broker child on `database`, reached at `databaseUrl` when given (a proxy), else at its own URL. */
export type StartBroker = (
  database: AttackDatabase,
  env: Record<string, string>,
  databaseUrl?: string,
) => Promise<BrokerUnderAttack>;

/** A broker on a database of its own, with a fixture connection to that database. */
export interface Target extends BrokerUnderAttack {
  database: AttackDatabase;
  /** The harness's own connection: fixtures, SQL faults, counts. */
  sql: Sql;
}

/** How long a broker gets to answer /health after its start (it migrates its database first). */
const START_TIMEOUT_MS = 60_000;
const ERROR_LEVEL = 50;
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

function levelOf(line: Record<string, unknown>): number {
  if (typeof line.level === "number") return line.level;
  if (typeof line.level === "string") return LEVELS[line.level] ?? ERROR_LEVEL;
  return ERROR_LEVEL;
}

/** Makes an empty database on the run's server (embedded, or DATABASE_URL's), dropped when the attack ends. */
export async function openAttackDatabase(resources: Resources): Promise<AttackDatabase> {
  const database = await createTestDatabase();
  resources.hold(database, (d) => d.drop());
  return { url: database.url, name: database.name };
}

/** Spawns the broker on a free port and waits for /health 200; SIGKILLed when the attack ends if still running. */
export async function startBrokerChild(
  resources: Resources,
  logLevel: string,
  database: AttackDatabase,
  env: Record<string, string>,
  databaseUrl?: string,
): Promise<BrokerUnderAttack> {
  const port = await freePort();
  const child = spawnBrokerChild({ port, databaseUrl: databaseUrl ?? database.url, logLevel, env });
  const errors: string[] = [];
  void streamLines(child.stderr, (raw) => {
    const line = parseLogLine(raw);
    if (!line || levelOf(line) >= ERROR_LEVEL) errors.push(raw.slice(0, 400));
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  const broker: BrokerUnderAttack = {
    port,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    httpUrl,
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    rssBytes: () => processRss(child.pid),
    health: async (timeoutMs = 3000) => {
      try {
        const res = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return 0;
      }
    },
    errors,
    stop: async (signal, graceMs) => {
      const started = performance.now();
      const code = await stopChild(child, signal, graceMs);
      return { code: child.signalCode ?? code, ms: performance.now() - started };
    },
  };
  resources.hold(broker, (b) => b.stop("SIGKILL", 5000));
  const outcome = await waitUntilHealthy(child, httpUrl, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 });
  if (outcome !== "ready") {
    throw new Error(
      `the broker ${outcome === "exited" ? "exited during start-up" : "did not become healthy"}: ${errors.slice(-3).join(" | ")}`,
    );
  }
  return broker;
}

/** A broker with `env` on a fresh database, and a fixture connection to it. */
export async function openTarget(resources: Resources, logLevel: string, env: Record<string, string>): Promise<Target> {
  const database = await openAttackDatabase(resources);
  const broker = await startBrokerChild(resources, logLevel, database, env);
  const client = createDbClient(database.url, { max: 3, applicationName: "mesh-attack" });
  resources.hold(client, (c) => c.close());
  return { ...broker, database, sql: client.sql };
}
