import { describe, expect, test } from "bun:test";
import { AppCounter } from "./app-counter.ts";

describe("AppCounter", () => {
  test("an acked send handled once by each recipient is delivered, not lost", () => {
    const c = new AppCounter();
    c.planned({ sendId: "s1", recipients: ["b", "c"] });
    c.acked("s1", "m1");
    expect(c.missing).toBe(2);
    c.handled("b", "s1", "m1");
    c.handled("c", "s1", "m1");
    expect(c.missing).toBe(0);
    expect(c.counts()).toEqual({
      sent: 1,
      acked: 1,
      unacked: 0,
      expected: 2,
      delivered: 2,
      lost: 0,
      duplicated: 0,
      deliveredUnacked: 0,
    });
  });

  test("a handling before the ack still counts once the ack comes", () => {
    const c = new AppCounter();
    c.planned({ sendId: "s1", recipients: ["b"] });
    c.handled("b", "s1", "m1");
    c.acked("s1", "m1");
    expect(c.missing).toBe(0);
    expect(c.counts().delivered).toBe(1);
  });

  test("missing recipients are lost; extra handlings are duplicates", () => {
    const c = new AppCounter();
    c.planned({ sendId: "s1", recipients: ["b", "c"] });
    c.acked("s1", "m1");
    c.handled("b", "s1", "m1");
    c.handled("b", "s1", "m1");
    c.handled("b", "s1", "m2");
    expect(c.counts()).toMatchObject({ expected: 2, delivered: 1, lost: 1, duplicated: 2 });
    expect(c.lostPairs()).toEqual([{ recipient: "c", sendId: "s1", messageId: "m1" }]);
    expect(c.splitSends()).toEqual([{ sendId: "s1", messageIds: ["m1", "m2"] }]);
  });

  test("unacked sends are reported, never lost; their deliveries are counted apart", () => {
    const c = new AppCounter();
    c.planned({ sendId: "s1", recipients: ["b"] });
    c.planned({ sendId: "s2", recipients: ["b"] });
    expect(c.unsettled).toBe(2);
    c.failed("s1", "send_timeout");
    c.handled("b", "s1", "m1");
    expect(c.unsettled).toBe(1);
    expect(c.counts()).toMatchObject({ sent: 2, acked: 0, unacked: 2, expected: 0, lost: 0, deliveredUnacked: 1 });
    expect(c.failureCodes()).toEqual({ send_timeout: 1 });
  });

  test("a second ack of the same send changes nothing", () => {
    const c = new AppCounter();
    c.planned({ sendId: "s1", recipients: ["b"] });
    c.acked("s1", "m1");
    c.acked("s1", "m1");
    expect(c.missing).toBe(1);
    expect(c.counts().expected).toBe(1);
  });
});
