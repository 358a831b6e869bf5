import { describe, expect, test } from "bun:test";
import type { BenchPeer } from "./bench-fixture.ts";
import { instanceOf, instancePairs, spreadOver } from "./instance-spread.ts";

const peer = (index: number) => ({ index }) as BenchPeer;

describe("instance spread", () => {
  test("peers go round-robin over the instances", () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => instanceOf(i, 3))).toEqual([0, 1, 2, 0, 1, 2]);
    const urlOf = spreadOver(["ws://a", "ws://b"]);
    expect([0, 1, 2, 3].map((i) => urlOf(peer(i)))).toEqual(["ws://a", "ws://b", "ws://a", "ws://b"]);
  });

  test("one instance: every pair is on the same instance", () => {
    const kind = instancePairs(1);
    expect([kind(0, 1), kind(3, 7)]).toEqual(["same", "same"]);
  });

  test("pairs on one instance are same, the rest cross", () => {
    const kind = instancePairs(2);
    expect([kind(0, 2), kind(1, 3), kind(0, 1), kind(3, 4)]).toEqual(["same", "same", "cross", "cross"]);
  });

  test("no instances is refused", () => {
    expect(() => spreadOver([])).toThrow();
  });
});
