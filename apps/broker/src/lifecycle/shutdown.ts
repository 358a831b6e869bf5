import { toError } from "@mesh/shared";
import type { Logger } from "../lib/logger.ts";

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
 * Runs every step in order; a failing step is logged and the next one still
 * runs, so a dead database cannot keep the process from exiting.
 */
export async function runShutdown(steps: ShutdownSteps, log: Logger): Promise<void> {
  const step = async (name: string, fn: () => unknown): Promise<void> => {
    const started = performance.now();
    try {
      const result = await fn();
      log.info({ step: name, result, duration_ms: Math.round(performance.now() - started) }, "shutdown step done");
    } catch (e: unknown) {
      log.error({ err: toError(e), step: name }, "shutdown step failed");
    }
  };
  await step("stop sweepers", steps.stopSweepers);
  await step("close sessions", steps.closeSessions);
  await step("mark presences disconnected", steps.markPresencesDisconnected);
  await step("stop listening", steps.stopListening);
  await step("release resources", steps.releaseResources);
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
