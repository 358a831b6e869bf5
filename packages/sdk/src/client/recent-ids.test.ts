import { expect, test } from "bun:test";
import { RecentIds } from "./recent-ids.ts";

test("remembers the last ids up to its capacity, forgetting the oldest", () => {
  const ids = new RecentIds(3);
  for (const id of ["a", "b", "c"]) ids.add(id);
  ids.add("b");
  expect(["a", "b", "c"].every((id) => ids.has(id))).toBe(true);
  ids.add("d");
  expect(ids.has("a")).toBe(false);
  expect(["b", "c", "d"].every((id) => ids.has(id))).toBe(true);
});
