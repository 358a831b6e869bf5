import { expect, test } from "bun:test";
import { BatchGate } from "./send-batcher.ts";

/** A batch that runs until `finish()` is called, recording when it started and ended. */
function batch(gate: BatchGate, log: string[], name: string, alone: () => boolean) {
  let finish = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const done = gate.run(alone, async (ranAlone) => {
    log.push(`${name} start${ranAlone ? " alone" : ""}`);
    await finished;
    log.push(`${name} end`);
  });
  return { finish, done };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test("batches run together; one near a bound waits for them, runs alone, and holds later ones back", async () => {
  const gate = new BatchGate();
  const log: string[] = [];
  const a = batch(gate, log, "a", () => false);
  const b = batch(gate, log, "b", () => false);
  await turn();
  expect(log).toEqual(["a start", "b start"]);

  const c = batch(gate, log, "c", () => true);
  await turn();
  const d = batch(gate, log, "d", () => false);
  await turn();
  // c waits for a and b; d waits behind c.
  expect(log).toEqual(["a start", "b start"]);
  a.finish();
  await a.done;
  await turn();
  expect(log).toEqual(["a start", "b start", "a end"]);
  b.finish();
  await b.done;
  await turn();
  expect(log.slice(3)).toEqual(["b end", "c start alone"]);
  c.finish();
  await c.done;
  await turn();
  expect(log.slice(5)).toEqual(["c end", "d start"]);
  d.finish();
  await d.done;
});

test("whether a batch must run alone is asked again when it may start", async () => {
  const gate = new BatchGate();
  const log: string[] = [];
  let near = true;
  const a = batch(gate, log, "a", () => false);
  await turn();
  // Near a bound while a runs; by the time a ends, a's commit has made room.
  const b = batch(gate, log, "b", () => near);
  await turn();
  near = false;
  a.finish();
  await a.done;
  b.finish();
  await b.done;
  expect(log).toEqual(["a start", "a end", "b start", "b end"]);
});
