import type { Scenario } from "../scenario.ts";
import { runScene } from "../scene.ts";

/** Stop the embedded Postgres in the middle of a stream and start it again on the same port. */
export const postgresRestart: Scenario = {
  number: 2,
  name: "restart Postgres",
  run: async (ctx) => {
    const restart = ctx.database.restart;
    if (!restart) {
      return {
        number: 2,
        name: "restart Postgres",
        verdict: "skipped",
        counts: undefined,
        checks: [],
        notes: ["skipped: needs the embedded server"],
        diagnostics: {},
        seconds: 0,
      };
    }
    return runScene(ctx, {
      number: 2,
      name: "restart Postgres",
      fault: async (scene) => {
        const t0 = performance.now();
        await restart();
        scene.notes.push(`Postgres down and back in ${Math.round(performance.now() - t0)} ms`);
      },
    });
  },
};
