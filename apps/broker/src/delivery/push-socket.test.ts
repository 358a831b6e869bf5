import { expect, test } from "bun:test";
import { type BunSocketLike, bunPushSocket } from "./push-socket.ts";

test("Bun's send results map to written, buffered (-1) and dropped (0); cork and buffered bytes pass through", () => {
  const results = [42, -1, 0];
  let corks = 0;
  const ws: BunSocketLike = {
    cork: (callback) => {
      corks += 1;
      callback();
    },
    getBufferedAmount: () => 7,
    send: () => results.shift() ?? 0,
  };
  const socket = bunPushSocket(ws);
  const outcomes: string[] = [];
  socket.corked(() => {
    for (let i = 0; i < 3; i++) outcomes.push(socket.send("x"));
  });
  expect(outcomes).toEqual(["written", "buffered", "dropped"]);
  expect(corks).toBe(1);
  expect(socket.bufferedBytes()).toBe(7);
});
