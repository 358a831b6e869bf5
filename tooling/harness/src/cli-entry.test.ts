import { expect, test } from "bun:test";
import { formatProgress } from "./cli-entry.ts";

test("formatProgress stamps the line with the harness and the UTC time of day", () => {
  expect(formatProgress("chaos", new Date("2026-01-02T03:04:05.678Z"), "1 PASS")).toBe("[chaos 03:04:05] 1 PASS\n");
});
