import { expect, test } from "bun:test";
import { MeshQueueDepth } from "./mesh-queue-depth.ts";

test("a mesh is full at the cap, counting rows queued since the last refresh; a refresh replaces the counts", () => {
  const depth = new MeshQueueDepth();
  expect(depth.isFull("m1", 3)).toBe(false);
  depth.refresh(new Map([["m1", 2]]));
  expect(depth.isFull("m1", 3)).toBe(false);
  depth.added("m1", 1);
  depth.added("m2", 5);
  expect(depth.isFull("m1", 3)).toBe(true);
  expect(depth.total).toBe(8);
  depth.refresh(new Map([["m1", 0]]));
  expect(depth.isFull("m1", 3)).toBe(false);
  expect(depth.total).toBe(0);
});
