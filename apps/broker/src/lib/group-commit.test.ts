import { expect, test } from "bun:test";
import { createGroupCommit } from "./group-commit.ts";

test("commits in arrival order, in batches of at most maxBatch, one batch in flight", async () => {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const group = createGroupCommit<number, string>({
    maxBatch: 3,
    commit: async (items) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      batches.push(items);
      await Bun.sleep(5);
      inFlight -= 1;
      return items.map((i) => `r${i}`);
    },
  });
  const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => group.submit(i)));
  expect(results).toEqual(["r1", "r2", "r3", "r4", "r5", "r6", "r7"]);
  expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  expect(maxInFlight).toBe(1);
  await group.idle();
});

test("batchSize cuts a batch short; a failed batch rejects only its own items", async () => {
  const group = createGroupCommit<string, string>({
    maxBatch: 10,
    batchSize: (waiting) => Math.max(1, waiting.indexOf("cut")),
    commit: async (items) => {
      if (items.includes("bad")) throw new Error("batch failed");
      return items;
    },
  });
  const outcomes = await Promise.all(
    ["a", "bad", "cut", "c"].map((item) => group.submit(item).then(String, (e: Error) => e.message)),
  );
  expect(outcomes).toEqual(["batch failed", "batch failed", "cut", "c"]);
});
