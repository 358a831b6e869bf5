import { expect, test } from "bun:test";
import { cpuShare } from "./server-usage.ts";

test("CPU seconds become a share of all cores over the wall time, undefined when an end is missing", () => {
  expect(cpuShare(10, 13, 2, 2)).toBe(75);
  expect(cpuShare(undefined, 13, 2, 2)).toBeUndefined();
  expect(cpuShare(10, undefined, 2, 2)).toBeUndefined();
  expect(cpuShare(10, 13, 0, 2)).toBeUndefined();
});
