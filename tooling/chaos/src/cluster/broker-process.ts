import { appendFileSync } from "node:fs";
import {
  type BrokerChild,
  parseLogLine,
  spawnBrokerChild,
  stopChild,
  streamLines,
  waitUntilHealthy,
} from "@mesh/harness";

/** How long a broker gets to answer /health after a (re)start. */
const START_TIMEOUT_MS = 60_000;
/** How long a SIGTERM may take before we give up waiting (the spec allows about 5 s). */
const STOP_TIMEOUT_MS = 15_000;
/** pino's numeric levels; the broker may log them as labels. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const WARN = 40;

function levelOf(line: Record<string, unknown>): number {
  if (typeof line.level === "number") return line.level;
  if (typeof line.level === "string") return LEVELS[line.level] ?? WARN;
  // A line that is not pino's (a crash report on stderr) counts as a problem.
  return WARN;
}

/** How every broker of a scenario is started. */
export interface BrokerSettings {
  databaseUrl: string;
  logLevel: string;
  /** Extra environment (sweep and ping intervals). */
  env: Record<string, string>;
  /** When set, every stderr line is appended to this file. */
  logFile: string | undefined;
}

/**
 * One broker on a fixed port that survives its process: `kill` and `start`
 * again give a new process on the same port, so clients reconnect to it.
 */
export interface ChaosBroker {
  readonly port: number;
  readonly wsUrl: string;
  /** Warn-and-above log lines of every process so far. */
  readonly problems: Record<string, unknown>[];
  /** Exits nobody asked for (a crash), with their exit code or signal. */
  readonly crashes: (number | string)[];
  /** Spawns the process and waits for /health 200. */
  start: () => Promise<void>;
  /** Sends `signal` and waits for the exit; resolves with the exit code (or signal name). */
  kill: (signal: NodeJS.Signals) => Promise<number | string>;
  running: () => boolean;
}

/** A broker on `port`; not started yet. */
export function chaosBroker(name: string, port: number, settings: BrokerSettings): ChaosBroker {
  const problems: Record<string, unknown>[] = [];
  const crashes: (number | string)[] = [];
  let stopping = false;
  let child: BrokerChild | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const httpUrl = `http://127.0.0.1:${port}`;

  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    problems,
    crashes,
    running: alive,
    start: async () => {
      if (alive()) throw new Error(`${name} is already running`);
      const proc = spawnBrokerChild({
        port,
        databaseUrl: settings.databaseUrl,
        logLevel: settings.logLevel,
        env: settings.env,
      });
      child = proc;
      stopping = false;
      void proc.exited.then((code) => {
        if (!stopping) crashes.push(proc.signalCode ?? code);
      });
      void streamLines(proc.stderr, (raw) => {
        if (settings.logFile) appendFileSync(settings.logFile, `${raw}\n`);
        const line = parseLogLine(raw) ?? { msg: raw, unparsed: true };
        if (levelOf(line) >= WARN) problems.push(line);
      });
      const outcome = await waitUntilHealthy(proc, httpUrl, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 });
      if (outcome === "exited") throw new Error(`${name} exited during start-up (${proc.exitCode ?? proc.signalCode})`);
      if (outcome === "timeout") {
        proc.kill("SIGKILL");
        throw new Error(`${name} did not answer /health within ${START_TIMEOUT_MS} ms`);
      }
    },
    kill: async (signal) => {
      const proc = child;
      if (!proc) return "never started";
      stopping = true;
      const code = await stopChild(proc, signal, STOP_TIMEOUT_MS);
      return proc.signalCode ?? code;
    },
  };
}
