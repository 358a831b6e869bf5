import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { chaosEnv } from "../chaos-env.ts";

const brokerEntry = join(import.meta.dir, "..", "..", "..", "..", "apps", "broker", "src", "index.ts");

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
  let child: Subprocess<"ignore", "ignore", "pipe"> | undefined;
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
      const proc = Bun.spawn([process.execPath, brokerEntry], {
        env: {
          PATH: chaosEnv.path,
          HOME: chaosEnv.home,
          NODE_ENV: "test",
          LOG_LEVEL: settings.logLevel,
          BROKER_HOST: "127.0.0.1",
          BROKER_PORT: String(port),
          DATABASE_URL: settings.databaseUrl,
          ...settings.env,
        },
        stdin: "ignore",
        stdout: "ignore",
        stderr: "pipe",
      });
      child = proc;
      stopping = false;
      void proc.exited.then((code) => {
        if (!stopping) crashes.push(proc.signalCode ?? code);
      });
      void readLines(proc.stderr, (raw, line) => {
        if (settings.logFile) appendFileSync(settings.logFile, `${raw}\n`);
        if (levelOf(line) >= WARN) problems.push(line);
      });
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (Date.now() < deadline) {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          throw new Error(`${name} exited during start-up (${proc.exitCode ?? proc.signalCode})`);
        }
        const ok = await fetch(`${httpUrl}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await Bun.sleep(50);
      }
      proc.kill("SIGKILL");
      throw new Error(`${name} did not answer /health within ${START_TIMEOUT_MS} ms`);
    },
    kill: async (signal) => {
      const proc = child;
      if (!proc) return "never started";
      stopping = true;
      if (alive()) proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_TIMEOUT_MS);
      try {
        const code = await proc.exited;
        return proc.signalCode ?? code;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (raw: string, line: Record<string, unknown>) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const raw = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        line = { msg: raw, unparsed: true };
      }
      onLine(raw, line);
    }
  }
}
