import { expect, test } from "bun:test";
import { Heartbeat, type HeartbeatDeps } from "./heartbeat.ts";

/** A heartbeat beating every 2 ms; `dropped` settles when it declares the connection dead. */
function beating(ping: HeartbeatDeps["ping"]) {
  let declareDead = () => {};
  const dropped = new Promise<void>((resolve) => {
    declareDead = resolve;
  });
  const heartbeat = new Heartbeat({
    intervalMs: 2,
    ping,
    unresponsive: () => {
      heartbeat.stop();
      declareDead();
    },
  });
  heartbeat.start();
  return { heartbeat, dropped };
}

test("answered heartbeats keep the connection; one left unanswered drops it at the next tick", async () => {
  let answered = 0;
  let pings = 0;
  let enoughAnswered = () => {};
  const answeredFour = new Promise<void>((resolve) => {
    enoughAnswered = resolve;
  });
  let isDead = false;
  const { heartbeat, dropped } = beating(() => {
    pings++;
    if (answered === 4) return new Promise(() => {});
    answered++;
    if (answered === 4) enoughAnswered();
    return Promise.resolve();
  });
  void dropped.then(() => {
    isDead = true;
  });
  await answeredFour;
  expect(isDead).toBe(false);
  await dropped;
  // The four answered pings and the one left hanging; the tick after it drops instead of pinging.
  expect(pings).toBe(5);
  heartbeat.stop();
});

test("a failed heartbeat counts as unanswered", async () => {
  const { dropped } = beating(() => Promise.reject(new Error("not connected")));
  await dropped;
});
