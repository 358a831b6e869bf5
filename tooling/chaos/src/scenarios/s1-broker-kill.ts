import type { Scenario } from "../scenario.ts";
import { runScene } from "../scene.ts";

/** SIGKILL the broker in the middle of a stream and start it again on the same port. */
export const brokerKill: Scenario = {
  number: 1,
  name: "SIGKILL broker, restart",
  run: (ctx) =>
    runScene(ctx, {
      number: 1,
      name: "SIGKILL broker, restart",
      fault: async (scene) => {
        const code = await scene.broker.kill("SIGKILL");
        scene.notes.push(`broker killed (${code})`);
        await scene.broker.start();
      },
    }),
};
