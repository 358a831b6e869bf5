import type { SocketFactory } from "@mesh/sdk";
import type { Scenario } from "../scenario.ts";
import { runScene } from "../scene.ts";
import { type SocketTap, tappedFactory } from "../tapped-socket.ts";

/** Every n-th push a tapped receiver gets kills its connection. */
const DROP_EVERY = 9;

/** How the connection dies around one push. */
interface DropCounts {
  /** The push arrived, the socket died before the application saw it. */
  beforeHandler: number;
  /** The application handled it, the socket died with the `client_ack` unsent. */
  beforeAck: number;
}

/**
 * A receiver whose connection dies between a push and its `client_ack`,
 * alternately before and after the application handled the push; at most
 * `limit` times.
 */
function dyingReceiver(drops: DropCounts, limit: number): SocketFactory {
  let pushes = 0;
  let awaitingAck: unknown;
  const tap: SocketTap = {
    incoming: (frame, socket) => {
      if (frame.type !== "push") return "pass";
      pushes += 1;
      if (pushes % DROP_EVERY !== 0 || drops.beforeHandler + drops.beforeAck >= limit) return "pass";
      if ((pushes / DROP_EVERY) % 2 === 1) {
        drops.beforeHandler += 1;
        socket.drop();
        return "swallow";
      }
      awaitingAck = frame.brokerMessageId;
      return "pass";
    },
    outgoing: (frame, socket) => {
      if (frame.type !== "client_ack" || awaitingAck === undefined || frame.brokerMessageId !== awaitingAck) {
        return "pass";
      }
      awaitingAck = undefined;
      drops.beforeAck += 1;
      socket.drop();
      return "swallow";
    },
  };
  return tappedFactory(tap);
}

/** Receivers whose sockets die between push and ack; the last receiver stays healthy. */
export const diesBeforeAck: Scenario = {
  number: 4,
  name: "socket dies push→ack",
  run: (ctx) => {
    const drops: DropCounts[] = [];
    const limit = ctx.sizes.sendsPerSender >= 200 ? 15 : 5;
    return runScene(ctx, {
      number: 4,
      name: "socket dies push→ack",
      receiverSocket: (i) => {
        if (i === ctx.sizes.receivers - 1) return undefined;
        const counts = { beforeHandler: 0, beforeAck: 0 };
        drops.push(counts);
        return dyingReceiver(counts, limit);
      },
      checks: (scene) => {
        const before = drops.reduce((n, d) => n + d.beforeHandler, 0);
        const after = drops.reduce((n, d) => n + d.beforeAck, 0);
        scene.notes.push(`connections killed: ${before} before the handler, ${after} after it with the ack unsent`);
        return [
          {
            name: "connections died both before and after the handler",
            ok: before > 0 && after > 0,
            detail: `${before} / ${after}`,
          },
        ];
      },
    });
  },
};
