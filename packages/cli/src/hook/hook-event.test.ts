import { describe, expect, test } from "bun:test";
import { HOOKED_EVENTS, parseHookEvent, statusForEvent } from "./hook-event.ts";

describe("statusForEvent", () => {
  test("prompts and tool calls mean working; the end of a turn means idle", () => {
    expect(statusForEvent("UserPromptSubmit")).toBe("working");
    expect(statusForEvent("PreToolUse")).toBe("working");
    expect(statusForEvent("Stop")).toBe("idle");
    expect(statusForEvent("SubagentStop")).toBe("idle");
  });

  test("Notification and anything else change nothing", () => {
    for (const name of ["Notification", "PostToolUse", "SessionStart", "stop", "", "toString", "__proto__"]) {
      expect(statusForEvent(name)).toBeUndefined();
    }
  });

  test("the installed events are exactly the mapped ones", () => {
    expect(HOOKED_EVENTS).toEqual(["UserPromptSubmit", "PreToolUse", "Stop", "SubagentStop"]);
  });
});

describe("parseHookEvent", () => {
  test("reads a real-shaped UserPromptSubmit event", () => {
    const text = JSON.stringify({
      session_id: "abc123",
      transcript_path: "/home/u/.claude/projects/p/abc123.jsonl",
      cwd: "/home/u/project",
      hook_event_name: "UserPromptSubmit",
      prompt: "fix the tests",
    });
    expect(parseHookEvent(text)).toEqual({
      ok: true,
      event: { session_id: "abc123", cwd: "/home/u/project", hook_event_name: "UserPromptSubmit" },
    });
  });

  test("a field of the wrong shape is dropped, not fatal", () => {
    expect(parseHookEvent(JSON.stringify({ hook_event_name: "Stop", cwd: 42, session_id: "" }))).toEqual({
      ok: true,
      event: { hook_event_name: "Stop" },
    });
  });

  test("garbage is refused with a reason", () => {
    for (const bad of ["", "not json", "[]", "null", '"Stop"', "{}", '{"hook_event_name":7}']) {
      expect(parseHookEvent(bad).ok).toBe(false);
    }
  });
});
