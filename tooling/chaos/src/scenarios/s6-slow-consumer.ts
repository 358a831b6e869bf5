import { type FrozenSocket, openFrozenSocket } from "../frozen-socket.ts";
import { presenceQueries } from "../presence-queries.ts";
import type { Scenario } from "../scenario.ts";
import { runScene, until } from "../scene.ts";

/** Heavier envelopes, so the frozen consumer's buffers fill. */
const PAD_BYTES = 4096;
/** How long the broker gets, after the stream, to close the frozen session itself. */
const CLOSE_WAIT_MS = 15_000;

/**
 * A consumer that authenticates and then stops reading while the others keep
 * being served; afterwards it comes back as a normal client and must receive
 * every envelope addressed to it.
 */
export const slowConsumer: Scenario = {
  number: 6,
  name: "slow consumer stops reading",
  run: (ctx) => {
    let frozen: FrozenSocket | undefined;
    let frozenAt = 0;
    let thawedAt = 0;
    let closedByBroker = false;
    let frozenLive = false;
    return runScene(ctx, {
      number: 6,
      name: "slow consumer stops reading",
      lateMembers: 1,
      padBytes: PAD_BYTES,
      beforeStream: async (scene) => {
        const member = scene.late[0];
        if (!member) throw new Error("no slow member");
        frozen = await openFrozenSocket(scene.broker.port, scene.mesh.id, member);
        frozenAt = Date.now();
        frozenLive = (await presenceQueries.live(ctx.sql, { memberId: member.id })) === 1;
      },
      afterStream: async (scene) => {
        const member = scene.late[0];
        if (!member) throw new Error("no slow member");
        const t0 = performance.now();
        closedByBroker = await until(
          async () => (await presenceQueries.live(ctx.sql, { memberId: member.id })) === 0,
          CLOSE_WAIT_MS,
        );
        scene.notes.push(
          closedByBroker
            ? `broker closed the frozen session ${Math.round(performance.now() - t0)} ms after the stream ended`
            : `frozen session still open ${CLOSE_WAIT_MS} ms after the stream`,
        );
        frozen?.destroy();
        thawedAt = Date.now();
        await scene.connect(member);
      },
      checks: (scene) => {
        const slowId = scene.late[0]?.id;
        let servedMeanwhile = 0;
        for (const [memberId, times] of scene.handledAt) {
          if (memberId === slowId) continue;
          servedMeanwhile += times.filter((t) => t >= frozenAt && t <= thawedAt).length;
        }
        return [
          { name: "frozen consumer had a live session", ok: frozenLive, detail: String(frozenLive) },
          {
            name: "others served while it was frozen",
            ok: servedMeanwhile > 0,
            detail: `${servedMeanwhile} handlings`,
          },
          { name: "broker closed the frozen session", ok: closedByBroker, detail: String(closedByBroker) },
        ];
      },
    });
  },
};
