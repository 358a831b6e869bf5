import { describe, expect, test } from "bun:test";
import { STOP_WAIT_MS } from "../lifecycle/bounded-wait.ts";
import { createLogger } from "./logger.ts";
import { createPeriodicTask } from "./periodic-task.ts";

const log = createLogger("silent");

describe("createPeriodicTask", () => {
  test("runs on its interval, never overlapping, and stop waits for the run in progress", async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let finished = 0;
    const task = createPeriodicTask({
      name: "t",
      intervalMs: 5,
      log,
      run: async () => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        await Bun.sleep(15);
        active--;
        finished++;
      },
    });
    task.start();
    void task.runNow();
    await Bun.sleep(80);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(maxActive).toBe(1);
    expect(finished).toBe(runs);
    const afterStop = runs;
    await Bun.sleep(30);
    expect(runs).toBe(afterStop);
  });

  test("tasks of one interval started together first run spread over the interval, not in one moment", async () => {
    const started = performance.now();
    const firstRun = new Map<number, number>();
    const tasks = Array.from({ length: 20 }, (_, i) =>
      createPeriodicTask({
        name: `t${i}`,
        intervalMs: 200,
        log,
        run: async () => {
          if (!firstRun.has(i)) firstRun.set(i, performance.now() - started);
        },
      }),
    );
    for (const t of tasks) t.start();
    await Bun.sleep(260);
    await Promise.all(tasks.map((t) => t.stop()));
    const firstRuns = [...firstRun.values()];
    expect(firstRuns.length).toBe(20);
    // Uniform over 200 ms: 20 first runs all within 60 ms of each other would be a one-in-a-billion draw.
    expect(Math.max(...firstRuns) - Math.min(...firstRuns)).toBeGreaterThan(60);
  });

  test("a run that throws is logged and the schedule goes on", async () => {
    let runs = 0;
    const task = createPeriodicTask({
      name: "t",
      intervalMs: 5,
      log,
      runOnStart: true,
      run: async () => {
        runs++;
        throw new Error("boom");
      },
    });
    task.start();
    await Bun.sleep(40);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  test("stop waits at most STOP_WAIT_MS for a run stuck on the database, logs it, and nothing runs after", async () => {
    const lines: Record<string, unknown>[] = [];
    const captured = createLogger(
      "info",
      {},
      { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
    );
    let runs = 0;
    let release: () => void = () => {};
    const task = createPeriodicTask({
      name: "retention",
      intervalMs: 5,
      log: captured,
      runOnStart: true,
      // A query waiting on connection attempts to a database that went away.
      run: () => {
        runs++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    task.start();
    await Bun.sleep(20);
    expect(runs).toBe(1);
    const started = performance.now();
    await task.stop();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(STOP_WAIT_MS - 5);
    expect(waited).toBeLessThan(STOP_WAIT_MS + 1500);
    expect(lines).toContainEqual(
      expect.objectContaining({ task: "retention", msg: "sweeper run still in progress at stop: left behind" }),
    );
    // The stuck run ends later: the stopped task does not schedule another.
    release();
    await Bun.sleep(40);
    expect(runs).toBe(1);
  });
});
