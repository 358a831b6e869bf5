import { describe, expect, test } from "bun:test";
import { DeliveryTracker } from "./delivery-tracker.ts";
import { encodeNonce } from "./envelope.ts";
import { instancePairs } from "./instance-spread.ts";

describe("DeliveryTracker", () => {
  test("counts a redelivered row once and splits send→push by kind of pair", () => {
    const tracker = new DeliveryTracker(3, instancePairs(2));
    const at = performance.now();
    expect(tracker.pushed("row-1", encodeNonce(at, 0, 0), 2)).toBe(true);
    expect(tracker.pushed("row-2", encodeNonce(at, 0, 1), 1)).toBe(true);
    expect(tracker.pushed("row-2", encodeNonce(at, 0, 1), 1)).toBe(false);
    expect(tracker.pushed("row-3", encodeNonce(at, 1, 0))).toBe(true);
    const f = tracker.figures();
    expect([f.delivered, f.redelivered, f.sendToPush.count]).toEqual([3, 1, 3]);
    expect(f.sendToPushByPair?.same?.count).toBe(1);
    expect(f.sendToPushByPair?.cross?.count).toBe(1);
  });

  test("without a pair classifier there is no split", () => {
    const tracker = new DeliveryTracker(1);
    tracker.pushed("row-1", encodeNonce(performance.now(), 0, 0), 1);
    expect(tracker.figures().sendToPushByPair).toBeUndefined();
  });
});
