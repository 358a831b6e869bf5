import { describe, expect, test } from "bun:test";
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
});
