import { join } from "node:path";
import { freePort } from "@mesh/db/testing";
import type { Subprocess } from "bun";
import { benchEnv } from "./bench-env.ts";

const brokerEntry = join(import.meta.dir, "..", "..", "..", "apps", "broker", "src", "index.ts");

/** How long the broker gets to start, and to stop after SIGTERM before SIGKILL. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** A broker log line at warn level or above. */
export interface BrokerProblem {
  level: number;
  msg: string;
  line: Record<string, unknown>;
}

/** The real broker, as a child process on a free port. */
export interface BrokerUnderTest {
  pid: number;
  port: number;
  wsUrl: string;
  httpUrl: string;
  /** Warn/error lines logged so far (pino levels 40 and up). */
  problems: BrokerProblem[];
  /** Waits until `/health` answers 200 (the broker's DB ping is green); resolves with the ms it took. */
  settle: (timeoutMs: number) => Promise<number>;
  /** True once the process has exited. */
  exited: () => boolean;
  /** SIGTERM, wait for exit (SIGKILL after a grace period); resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** pino's numeric levels. */
const WARN = 40;

/**
 * Spawns `apps/broker/src/index.ts` with the real bun binary (signals reach
 * it directly), logging at warn, and waits for `broker listening`.
 */
export async function startBrokerUnderTest(options: {
  databaseUrl: string;
  extraEnv: Record<string, string>;
  cpuProfDir?: string | undefined;
}): Promise<BrokerUnderTest> {
  const port = await freePort();
  const profile = options.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child: Subprocess<"ignore", "ignore", "pipe"> = Bun.spawn([process.execPath, ...profile, brokerEntry], {
    env: {
      PATH: benchEnv.path,
      HOME: benchEnv.home,
      NODE_ENV: "test",
      // `info` would cost a log line per hello and per hook; the bench wants the broker's own cost.
      LOG_LEVEL: "warn",
      BROKER_HOST: "127.0.0.1",
      BROKER_PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      ...options.extraEnv,
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const problems: BrokerProblem[] = [];
  void readLines(child.stderr, (line) => {
    const level = typeof line.level === "number" ? line.level : WARN;
    if (level >= WARN) problems.push({ level, msg: String(line.msg ?? ""), line });
  });

  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    try {
      return await child.exited;
    } finally {
      clearTimeout(timer);
    }
  };

  // At LOG_LEVEL=warn there is no "broker listening" line: /health answering 200 is the signal.
  const httpUrl = `http://127.0.0.1:${port}`;
  const outcome = await waitUntilHealthy(httpUrl, () => child.exitCode !== null || child.signalCode !== null);
  if (outcome !== "ready") {
    await stop();
    const last = problems.at(-1)?.msg ?? "no log line";
    throw new Error(`broker did not start (${outcome}): ${last}`);
  }
  return {
    pid: child.pid,
    port,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    httpUrl,
    problems,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    settle: async (timeoutMs) => {
      const t0 = performance.now();
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const ok = await fetch(`${httpUrl}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return performance.now() - t0;
        await Bun.sleep(200);
      }
      throw new Error(`broker /health not 200 within ${timeoutMs} ms`);
    },
    stop,
  };
}

async function waitUntilHealthy(httpUrl: string, exited: () => boolean): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) return "exited";
    const ok = await fetch(`${httpUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return "ready";
    await Bun.sleep(100);
  }
  return "timeout";
}

/** Feeds every JSON line of `stream` to `onLine` (non-JSON lines as `{msg}` at error level). */
async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: Record<string, unknown>) => void) {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
      if (text.trim() === "") continue;
      try {
        onLine(JSON.parse(text) as Record<string, unknown>);
      } catch {
        onLine({ level: 50, msg: text });
      }
    }
  }
}
