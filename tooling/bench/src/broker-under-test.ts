import { freePort } from "@mesh/db/testing";
import { parseLogLine, spawnBrokerChild, stopChild, streamLines, waitUntilHealthy } from "@mesh/harness";

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
const ERROR = 50;

/**
 * What a broker stopped with SIGTERM did wrong, as harness failures: a
 * non-zero exit, error lines (pino error and up) in its log.
 */
export function stoppedBrokerFailures(
  label: string,
  exitCode: number | null,
  problems: readonly BrokerProblem[],
): string[] {
  const failures: string[] = [];
  if (exitCode !== 0) failures.push(`${label} exited with ${exitCode} on SIGTERM`);
  const errors = problems.filter((p) => p.level >= ERROR);
  if (errors.length > 0) failures.push(`${label} logged ${errors.length} error lines, first: ${errors[0]?.msg}`);
  return failures;
}

/** Queue bounds far above any backlog a workload builds. */
const UNCAPPED_QUEUE = { MESH_QUEUE_CAP: "100000000", MEMBER_QUEUE_CAP: "100000000" };

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
  const child = spawnBrokerChild({
    port,
    databaseUrl: options.databaseUrl,
    // `info` would cost a log line per hello and per hook; the bench wants the broker's own cost.
    logLevel: "warn",
    // The queue bounds refuse sends a backlog would pass (by design): the bench measures how fast the
    // engine delivers, so its backlogs are not capped unless a run asks (--broker-env).
    env: { ...UNCAPPED_QUEUE, ...options.extraEnv },
    runtimeArgs: options.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`] : [],
  });
  const problems: BrokerProblem[] = [];
  void streamLines(child.stderr, (text) => {
    if (text.trim() === "") return;
    // A line that is not JSON (a crash report) counts as an error.
    const line = parseLogLine(text) ?? { level: 50, msg: text };
    const level = typeof line.level === "number" ? line.level : WARN;
    if (level >= WARN) problems.push({ level, msg: String(line.msg ?? ""), line });
  });

  const stop = (): Promise<number | null> => stopChild(child, "SIGTERM", STOP_TIMEOUT_MS);

  const httpUrl = `http://127.0.0.1:${port}`;
  const outcome = await waitUntilHealthy(child, httpUrl, { timeoutMs: START_TIMEOUT_MS, intervalMs: 100 });
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
