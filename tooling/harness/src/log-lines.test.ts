import { describe, expect, test } from "bun:test";
import { parseLogLine, splitLines } from "./log-lines.ts";

describe("splitLines", () => {
  test("keeps the unfinished tail for the next chunk, blank lines included", () => {
    expect(splitLines('{"a":1}\n\n{"b"')).toEqual({ lines: ['{"a":1}', ""], rest: '{"b"' });
    expect(splitLines("")).toEqual({ lines: [], rest: "" });
    expect(splitLines("x\n")).toEqual({ lines: ["x"], rest: "" });
  });
});

describe("parseLogLine", () => {
  test("objects only", () => {
    expect(parseLogLine('{"level":40,"msg":"slow"}')).toEqual({ level: 40, msg: "slow" });
    expect(parseLogLine("Segmentation fault")).toBeUndefined();
    expect(parseLogLine("")).toBeUndefined();
    expect(parseLogLine("[1]")).toBeUndefined();
    expect(parseLogLine("null")).toBeUndefined();
  });
});
