import type { SendResult } from "@mesh/sdk";
import type { Scenario } from "../scenario.ts";
import { runScene, until } from "../scene.ts";
import { tappedFactory } from "../tapped-socket.ts";

/**
 * Senders that retry everything: each `send` frame goes out twice on the wire
 * (both copies reach the broker together), and once acked the application
 * sends the same `id` again. Every retry must be answered `duplicate` with
 * the original messageId, and nothing may be queued or delivered twice.
 */
export const retryEverySend: Scenario = {
  number: 5,
  name: "client retries every send",
  run: (ctx) => {
    /** messageIds the broker answered per send id, over every ack frame (wire copies included). */
    const answered = new Map<string, Set<string>>();
    const retries = { sent: 0, settled: 0, duplicate: 0, sameId: 0, failed: 0 };
    return runScene(ctx, {
      number: 5,
      name: "client retries every send",
      senderSocket: () =>
        tappedFactory({
          outgoing: (frame) => (frame.type === "send" ? "twice" : "pass"),
          incoming: (frame) => {
            if (frame.type === "ack" && typeof frame.id === "string" && typeof frame.messageId === "string") {
              const ids = answered.get(frame.id) ?? new Set<string>();
              ids.add(frame.messageId);
              answered.set(frame.id, ids);
            }
            return "pass";
          },
        }),
      afterAck: (_scene, { sender, sendId, target, text, result }) => {
        retries.sent += 1;
        sender.client.send(target, text, { id: sendId, priority: "now" }).then(
          (again: SendResult) => {
            retries.settled += 1;
            if (again.duplicate) retries.duplicate += 1;
            if (again.messageId === result.messageId) retries.sameId += 1;
          },
          () => {
            retries.settled += 1;
            retries.failed += 1;
          },
        );
      },
      checks: async (scene) => {
        await until(() => retries.settled === retries.sent, ctx.sizes.sendTimeoutMs);
        const split = [...answered.values()].filter((ids) => ids.size > 1).length;
        scene.notes.push(
          `retries: ${retries.sent} sent, ${retries.duplicate} answered duplicate, ${retries.sameId} with the original messageId, ${retries.failed} failed`,
        );
        return [
          {
            name: "every retry answered duplicate with the original messageId",
            ok: retries.sent > 0 && retries.duplicate === retries.sent && retries.sameId === retries.sent,
            detail: `${retries.duplicate}/${retries.sameId} of ${retries.sent}`,
          },
          { name: "wire copies answered with one messageId", ok: split === 0, detail: `${split} ids split` },
        ];
      },
    });
  },
};
