import type { Scenario } from "../scenario.ts";
import { runScene } from "../scene.ts";

/** Graceful shutdown (SIGTERM) in the middle of a stream, restarted as soon as it exited. */
export const sigtermRestart: Scenario = {
  number: 7,
  name: "SIGTERM, immediate restart",
  run: (ctx) => {
    let exit: number | string = "not stopped";
    return runScene(ctx, {
      number: 7,
      name: "SIGTERM, immediate restart",
      fault: async (scene) => {
        const t0 = performance.now();
        exit = await scene.broker.kill("SIGTERM");
        scene.notes.push(`graceful shutdown took ${Math.round(performance.now() - t0)} ms (exit ${exit})`);
        await scene.broker.start();
      },
      checks: () => [{ name: "graceful shutdown exits 0", ok: exit === 0, detail: `exit ${exit}` }],
    });
  },
};
