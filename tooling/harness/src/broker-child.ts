import { join } from "node:path";
import type { Subprocess } from "bun";
import { harnessEnv } from "./harness-env.ts";

/** The broker's entry point, run from source as the harnesses' child. */
export const BROKER_ENTRY = join(import.meta.dir, "..", "..", "..", "apps", "broker", "src", "index.ts");

/** A broker child process; only stderr is piped (its log lines). */
export type BrokerChild = Subprocess<"ignore", "ignore", "pipe">;

/**
 * Spawns the broker with the real bun binary (signals reach it directly) on
 * 127.0.0.1:`port`, with only PATH and HOME of this environment plus
 * `env` (which may override the defaults). `runtimeArgs` go to bun before
 * the entry point (`--cpu-prof`).
 */
export function spawnBrokerChild(options: {
  port: number;
  databaseUrl: string;
  logLevel: string;
  env: Record<string, string>;
  runtimeArgs?: readonly string[];
}): BrokerChild {
  return Bun.spawn([process.execPath, ...(options.runtimeArgs ?? []), BROKER_ENTRY], {
    env: {
      PATH: harnessEnv.path,
      HOME: harnessEnv.home,
      NODE_ENV: "test",
      LOG_LEVEL: options.logLevel,
      BROKER_HOST: "127.0.0.1",
      BROKER_PORT: String(options.port),
      DATABASE_URL: options.databaseUrl,
      ...options.env,
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
}

/** True once the child has exited or died of a signal. */
function hasExited(child: BrokerChild): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Polls `GET /health` every `intervalMs` until it answers 200 ("ready"), the
 * child exits ("exited") or `timeoutMs` passes ("timeout"). At LOG_LEVEL=warn
 * the broker logs no "listening" line, so /health is the signal.
 */
export async function waitUntilHealthy(
  child: BrokerChild,
  httpUrl: string,
  options: { timeoutMs: number; intervalMs: number },
): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) return "exited";
    const ok = await fetch(`${httpUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return "ready";
    await Bun.sleep(options.intervalMs);
  }
  return "timeout";
}

/**
 * Sends `signal` unless the child already exited, and waits for the exit,
 * with SIGKILL after `graceMs`; resolves with what `child.exited` gives
 * (the child's `signalCode` tells a signal death apart).
 */
export async function stopChild(child: BrokerChild, signal: NodeJS.Signals, graceMs: number): Promise<number> {
  if (!hasExited(child)) child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}
