import { describe, expect, test } from "bun:test";
import {
  applyStatusReport,
  deliverablePriorities,
  mayDeliver,
  releasesHeld,
  type StatusState,
  sourceRank,
} from "./status-model.ts";

const FRESH = 30_000;
const at = (status: StatusState["status"], source: StatusState["source"], updatedAt = 0): StatusState => ({
  status,
  source,
  updatedAt,
});

describe("applyStatusReport", () => {
  test("ranks hook over manual over heartbeat", () => {
    expect(sourceRank("hook")).toBeGreaterThan(sourceRank("manual"));
    expect(sourceRank("manual")).toBeGreaterThan(sourceRank("heartbeat"));
  });

  test("a different status always wins and records its source", () => {
    const d = applyStatusReport(at("working", "hook"), { status: "idle", source: "heartbeat", at: 5 }, FRESH);
    expect(d).toEqual({ kind: "changed", next: at("idle", "heartbeat", 5) });
  });

  test("the same status from an equal or higher source upgrades the source", () => {
    const d = applyStatusReport(at("working", "heartbeat"), { status: "working", source: "hook", at: 5 }, FRESH);
    expect(d).toEqual({ kind: "refreshed", next: at("working", "hook", 5) });
    const same = applyStatusReport(at("working", "manual", 1), { status: "working", source: "manual", at: 9 }, FRESH);
    expect(same).toEqual({ kind: "refreshed", next: at("working", "manual", 9) });
  });

  test("the same status from a lower source keeps a fresh source and takes a stale one", () => {
    const fresh = applyStatusReport(
      at("working", "hook", 0),
      { status: "working", source: "heartbeat", at: FRESH },
      FRESH,
    );
    expect(fresh).toEqual({ kind: "kept", reason: "fresher_source" });
    const stale = applyStatusReport(
      at("working", "hook", 0),
      { status: "working", source: "heartbeat", at: FRESH + 1 },
      FRESH,
    );
    expect(stale).toEqual({ kind: "refreshed", next: at("working", "heartbeat", FRESH + 1) });
  });

  test("dnd is set and cleared only manually", () => {
    expect(applyStatusReport(at("dnd", "manual"), { status: "idle", source: "hook", at: 1 }, FRESH).kind).toBe("kept");
    expect(applyStatusReport(at("dnd", "manual"), { status: "working", source: "heartbeat", at: 1 }, FRESH).kind).toBe(
      "kept",
    );
    expect(applyStatusReport(at("idle", "hook"), { status: "dnd", source: "heartbeat", at: 1 }, FRESH).kind).toBe(
      "kept",
    );
    expect(applyStatusReport(at("dnd", "manual"), { status: "idle", source: "manual", at: 1 }, FRESH)).toEqual({
      kind: "changed",
      next: at("idle", "manual", 1),
    });
    expect(applyStatusReport(at("working", "hook"), { status: "dnd", source: "manual", at: 1 }, FRESH).kind).toBe(
      "changed",
    );
  });
});

describe("delivery gating", () => {
  test("idle takes every priority, working and dnd only now", () => {
    for (const p of ["now", "next", "low"] as const) expect(mayDeliver("idle", p)).toBe(true);
    for (const s of ["working", "dnd"] as const) {
      expect(mayDeliver(s, "now")).toBe(true);
      expect(mayDeliver(s, "next")).toBe(false);
      expect(mayDeliver(s, "low")).toBe(false);
    }
  });

  test("the deliverable priorities are exactly those mayDeliver allows, most urgent first", () => {
    expect(deliverablePriorities("idle")).toEqual(["now", "next", "low"]);
    expect(deliverablePriorities("working")).toEqual(["now"]);
    expect(deliverablePriorities("dnd")).toEqual(["now"]);
  });

  test("only a move to idle releases held envelopes", () => {
    expect(releasesHeld("working", "idle")).toBe(true);
    expect(releasesHeld("dnd", "idle")).toBe(true);
    expect(releasesHeld("idle", "working")).toBe(false);
    expect(releasesHeld("working", "dnd")).toBe(false);
  });
});
