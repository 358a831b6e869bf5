import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";
import { STOP_WAIT_MS, settlesWithin } from "./bounded-wait.ts";

/** The steps of a graceful shutdown, run in exactly this order (docs/architecture.md#shutdown). */
export interface ShutdownSteps {
  stopSweepers: () => Promise<void>;
  closeSessions: () => void;
  markPresencesDisconnected: () => Promise<number>;
  stopListening: () => Promise<void>;
  /** Ends the DB pool and stops the embedded Postgres, if any. */
  releaseResources: () => Promise<void>;
}

/**
 * How long each step may run before the next one starts anyway. Together
 * they stay under the 10 s DEPLOY.md asks operators to allow before SIGKILL,
 * whatever the database does: one that went away fails some steps fast and
 * leaves others hanging on connection attempts (docs/architecture.md#shutdown).
 */
export const SHUTDOWN_STEP_LIMITS_MS: Readonly<Record<keyof ShutdownSteps, number>> = {
  // Each job already gives up on its work in progress after STOP_WAIT_MS; this backs that up.
  stopSweepers: STOP_WAIT_MS + 500,
  closeSessions: 500,
  // Two statements (the presences, then the registry row); a survivor reaps what they leave undone.
  markPresencesDisconnected: 2000,
  stopListening: 1000,
  // Sends already batched (STOP_WAIT_MS), the pools (1 s), the embedded Postgres's fast shutdown.
  releaseResources: 3000,
};

/**
 * Runs every step in order; a step that fails is logged and one that
 * outlives its limit is left behind (logged), and the next one runs either
 * way, so a dead database cannot keep the process from exiting.
 */
export async function runShutdown(
  steps: ShutdownSteps,
  log: Logger,
  limitsMs: Readonly<Record<keyof ShutdownSteps, number>> = SHUTDOWN_STEP_LIMITS_MS,
): Promise<void> {
  const step = async (name: string, key: keyof ShutdownSteps): Promise<void> => {
    const started = performance.now();
    const work = (async () => steps[key]())();
    if (!(await settlesWithin(work, limitsMs[key]))) {
      log.warn({ step: name, limit_ms: limitsMs[key] }, "shutdown step timed out: going on without it");
      return;
    }
    try {
      const result = await work;
      log.info({ step: name, result, duration_ms: Math.round(performance.now() - started) }, "shutdown step done");
    } catch (e: unknown) {
      log.error({ err: toError(e), step: name }, "shutdown step failed");
    }
  };
  await step("stop sweepers", "stopSweepers");
  await step("close sessions", "closeSessions");
  await step("mark presences disconnected", "markPresencesDisconnected");
  await step("stop listening", "stopListening");
  await step("release resources", "releaseResources");
}

/**
 * SIGTERM/SIGINT start a graceful shutdown that ends in exit 0; a second
 * signal during it exits at once.
 */
export function installSignalHandlers(deps: {
  log: Logger;
  shutdown: () => Promise<void>;
  exit: (code: number) => never;
}): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      deps.log.warn({ signal }, "second signal during shutdown: exiting now");
      deps.exit(1);
    }
    shuttingDown = true;
    deps.log.info({ signal }, "shutdown signal");
    const started = performance.now();
    void deps.shutdown().finally(() => {
      deps.log.info({ duration_ms: Math.round(performance.now() - started) }, "shutdown complete");
      deps.exit(0);
    });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
