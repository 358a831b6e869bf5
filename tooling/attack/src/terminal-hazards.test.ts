import { describe, expect, test } from "bun:test";
import { findTerminalHazards } from "./terminal-hazards.ts";

describe("findTerminalHazards", () => {
  test("plain text with newlines and tabs is clean", () => {
    expect(findTerminalHazards("a\tb\nc ✓ €")).toEqual({ controls: 0, bidi: 0, examples: [] });
  });

  test("ESC, BEL, CR, DEL and C1 are controls; RLO and isolates are bidi", () => {
    const found = findTerminalHazards("\x1b]0;t\x07 x\ry\x7f\u009b \u202eevil\u2066");
    expect(found.controls).toBe(5);
    expect(found.bidi).toBe(2);
    expect(found.examples).toEqual(["\\x1b", "\\x07", "\\x0d", "\\x7f", "\\x9b", "\\u202e"]);
  });

  test("an escaped sequence (as text) is not a hazard", () => {
    expect(findTerminalHazards("\\x1b]52;c;…\\x07").controls).toBe(0);
  });
});
