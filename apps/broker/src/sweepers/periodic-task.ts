import { toError } from "@mesh/shared";
import type { Logger } from "../log/logger.ts";

/** A background job run every `intervalMs`, never overlapping itself. */
export interface PeriodicTask {
  readonly name: string;
  start: () => void;
  /** Stops scheduling and waits for a run in progress to finish. */
  stop: () => Promise<void>;
  /** Runs once now (after any run in progress); used by tests and wake-ups. */
  runNow: () => Promise<void>;
}

/**
 * Wraps `run` in a self-rescheduling timer. A run that throws is logged and
 * the schedule goes on: a sweeper never dies of one bad tick.
 */
export function createPeriodicTask(options: {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  log: Logger;
  /** Run once immediately on start. */
  runOnStart?: boolean;
}): PeriodicTask {
  const { name, intervalMs, run, log } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const tick = async (): Promise<void> => {
    try {
      await run();
    } catch (e: unknown) {
      log.error({ err: toError(e), task: name }, "sweeper run failed");
    }
  };

  const runOnce = (): Promise<void> => {
    running = (running ?? Promise.resolve()).then(tick).finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().then(schedule);
    }, intervalMs);
  };

  return {
    name,
    start: () => {
      if (!stopped) return;
      stopped = false;
      if (options.runOnStart) void runOnce().then(schedule);
      else schedule();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
    runNow: runOnce,
  };
}
