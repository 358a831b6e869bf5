import { describe, expect, test } from "bun:test";
import { runBatchesUntilShort } from "./batched-run.ts";

/** A batch over a backlog of `rows`, taking at most `size` per call. */
function backlog(rows: number, size: number) {
  let left = rows;
  const taken: number[] = [];
  const batch = async () => {
    const n = Math.min(size, left);
    left -= n;
    taken.push(n);
    return n === size;
  };
  return { batch, taken };
}

describe("runBatchesUntilShort", () => {
  test("stops at the first short batch", async () => {
    const b = backlog(25, 10);
    expect(await runBatchesUntilShort(b.batch, 100)).toEqual({ batches: 3, backlogLeft: false });
    expect(b.taken).toEqual([10, 10, 5]);
  });

  test("an exact multiple costs one empty batch to see the end", async () => {
    const b = backlog(20, 10);
    expect(await runBatchesUntilShort(b.batch, 100)).toEqual({ batches: 3, backlogLeft: false });
    expect(b.taken).toEqual([10, 10, 0]);
  });

  test("stops after maxBatches and says work is left", async () => {
    const b = backlog(1000, 10);
    expect(await runBatchesUntilShort(b.batch, 4)).toEqual({ batches: 4, backlogLeft: true });
    expect(b.taken).toEqual([10, 10, 10, 10]);
  });

  test("nothing waiting is one empty batch", async () => {
    const b = backlog(0, 10);
    expect(await runBatchesUntilShort(b.batch, 4)).toEqual({ batches: 1, backlogLeft: false });
  });
});
