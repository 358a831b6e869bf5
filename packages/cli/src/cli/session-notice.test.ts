import { describe, expect, test } from "bun:test";
import { noticePrinter, sessionNotice } from "./session-notice.ts";

describe("sessionNotice", () => {
  test("the broker's notice; ours for a claudemesh mesh that gave none; nothing for strict", () => {
    expect(sessionNotice({ profile: "claudemesh", notice: "broadcasts are NOT encrypted" })).toBe(
      "broadcasts are NOT encrypted",
    );
    expect(sessionNotice({ profile: "claudemesh" })).toContain("NOT encrypted");
    expect(sessionNotice({ profile: "claudemesh", notice: "  " })).toContain("NOT encrypted");
    expect(sessionNotice({ profile: "strict" })).toBeUndefined();
    expect(sessionNotice({})).toBeUndefined();
  });

  test("control characters in a notice never reach the terminal", () => {
    expect(sessionNotice({ notice: "\u001b[2Jcleared\u0007 screen\u202e" })).toBe(
      "\\u001b[2Jcleared\\u0007 screen\\u202e",
    );
  });
});

describe("noticePrinter", () => {
  test("prints each distinct notice once, loudly", () => {
    const lines: string[] = [];
    const print = noticePrinter({ result: () => {}, info: (text) => lines.push(text) });
    print({ profile: "claudemesh", notice: "not encrypted" });
    print({ profile: "claudemesh", notice: "not encrypted" });
    print({ profile: "strict" });
    print({ profile: "claudemesh", notice: "another" });
    expect(lines).toEqual(["WARNING: not encrypted", "WARNING: another"]);
  });
});
