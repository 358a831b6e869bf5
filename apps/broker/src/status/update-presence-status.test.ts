import { describe, expect, test } from "bun:test";
import { applyStatusReport, type StatusState } from "./status-model.ts";
import { withoutRenewal } from "./update-presence-status.ts";

const FRESH = 30_000;
const at = (status: StatusState["status"], source: StatusState["source"], updatedAt: number): StatusState => ({
  status,
  source,
  updatedAt,
});

describe("withoutRenewal", () => {
  test("a refresh keeps the recorded time (and still takes the source the status model chose)", () => {
    const before = at("working", "heartbeat", 1_000);
    const refreshed = applyStatusReport(before, { status: "working", source: "hook", at: 50_000 }, FRESH);
    expect(refreshed).toEqual({ kind: "refreshed", next: at("working", "hook", 50_000) });
    expect(withoutRenewal(refreshed, before)).toEqual({ kind: "refreshed", next: at("working", "hook", 1_000) });
  });

  test("a change, or a report the model kept, is left as decided", () => {
    const before = at("working", "hook", 1_000);
    const changed = applyStatusReport(before, { status: "idle", source: "hook", at: 50_000 }, FRESH);
    expect(withoutRenewal(changed, before)).toEqual({ kind: "changed", next: at("idle", "hook", 50_000) });
    const dnd = at("dnd", "manual", 1_000);
    const kept = applyStatusReport(dnd, { status: "working", source: "hook", at: 50_000 }, FRESH);
    expect(withoutRenewal(kept, dnd)).toEqual({ kind: "kept", reason: "dnd_is_manual" });
  });
});
