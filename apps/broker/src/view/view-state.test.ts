import { describe, expect, test } from "bun:test";
import { applyViewDiff, diffViewState, emptyViewState, type ViewSession, type ViewState } from "./view-state.ts";

const session = (name: string, status: ViewSession["status"]): ViewSession => ({
  meshId: "m1",
  memberId: `member-${name}`,
  name,
  status,
  source: "hook",
  instanceId: "i1",
  connectedAt: 1000,
  statusAt: 2000,
});

const base: ViewState = {
  ...emptyViewState({ instanceId: "i1", db: "up", stale: false }),
  meshes: { m1: { id: "m1", name: "team", slug: "team", members: 2 } },
  sessions: { p1: session("alice", "idle"), p2: session("bob", "idle") },
};

describe("diffViewState", () => {
  test("the same state gives no diff", () => {
    expect(diffViewState(base, structuredClone(base))).toBeUndefined();
  });

  test("only the rows that changed are set, rows gone are removed, untouched parts are left out", () => {
    const after: ViewState = {
      ...base,
      sessions: { p1: session("alice", "working"), p3: session("carol", "dnd") },
    };
    expect(diffViewState(base, after)).toEqual({
      set: { sessions: { p1: session("alice", "working"), p3: session("carol", "dnd") } },
      remove: { sessions: ["p2"] },
    });
  });

  test("scalar parts travel whole when they change", () => {
    const after: ViewState = {
      ...base,
      health: { instanceId: "i1", db: "down", stale: true },
      rates: { storedPerSec: 3.5, deliveredPerSec: 3 },
    };
    expect(diffViewState(base, after)).toEqual({ health: after.health, rates: after.rates });
  });
});

describe("applyViewDiff", () => {
  test("applying the diff of two states gives the second, and leaves the first alone", () => {
    const after: ViewState = {
      ...base,
      truncated: true,
      sessions: { p2: session("bob", "dnd") },
      backlog: { "member-carol": { meshId: "m1", name: "carol", undelivered: 4, oldestAt: 500 } },
    };
    const before = structuredClone(base);
    const diff = diffViewState(base, after);
    if (!diff) throw new Error("expected a diff");
    expect(applyViewDiff(base, diff)).toEqual(after);
    expect(base).toEqual(before);
  });
});
