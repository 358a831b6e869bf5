import { toError } from "@mesh/shared";
import { STOP_WAIT_MS, settlesWithin } from "../lifecycle/bounded-wait.ts";
import type { Logger } from "./logger.ts";

/** Log a continuing failure once per this many runs, not every tick. */
export const FAILURE_LOG_EVERY = 30;

/** A background job run about every `intervalMs`, never overlapping itself. */
export interface PeriodicTask {
  readonly name: string;
  start: () => void;
  /**
   * Stops scheduling and waits for a run in progress to finish, at most
   * `STOP_WAIT_MS`: a run stuck on an unreachable database is left behind
   * (logged) rather than holding the shutdown.
   */
  stop: () => Promise<void>;
  /** Runs once now (after any run in progress); used by tests and wake-ups. */
  runNow: () => Promise<void>;
}

/** Each wait between runs is the interval ±10 %, so tasks of one interval drift apart instead of staying in step. */
const JITTER = 0.1;

function jittered(intervalMs: number): number {
  return intervalMs * (1 - JITTER + 2 * JITTER * Math.random());
}

/**
 * Wraps `run` in a self-rescheduling timer (the first run at a random point
 * of the first interval, then every interval ±10 % after the previous run
 * ends), so the sweepers that share `SWEEP_INTERVAL_MS` never all hit
 * Postgres in the same moment. A run that throws is logged and
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

  let failures = 0;
  const tick = async (): Promise<void> => {
    try {
      await run();
      if (failures > 0) log.info({ task: name, after_failures: failures }, "sweeper recovered");
      failures = 0;
    } catch (e: unknown) {
      // An outage fails every tick of every sweeper: log the first failure and then every 30th.
      if (failures % FAILURE_LOG_EVERY === 0) {
        log.error({ err: toError(e), task: name, consecutive_failures: failures + 1 }, "sweeper run failed");
      }
      failures += 1;
    }
  };

  const runOnce = (): Promise<void> => {
    running = (running ?? Promise.resolve()).then(tick).finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (delayMs = jittered(intervalMs)): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().then(() => schedule());
    }, delayMs);
  };

  return {
    name,
    start: () => {
      if (!stopped) return;
      stopped = false;
      if (options.runOnStart) void runOnce().then(() => schedule());
      // The first run at a random point of the interval: the sweepers started together do not tick together.
      else schedule(Math.random() * intervalMs);
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (running && !(await settlesWithin(running, STOP_WAIT_MS))) {
        log.warn({ task: name, waited_ms: STOP_WAIT_MS }, "sweeper run still in progress at stop: left behind");
      }
    },
    runNow: runOnce,
  };
}
