import { describe, expect, test } from "bun:test";
import { parseNatsVersion, supportsSyncAlways } from "./nats-server-child.ts";

describe("nats-server version", () => {
  test("parsed out of --version's answer", () => {
    expect(parseNatsVersion("nats-server: v2.9.10")).toEqual([2, 9, 10]);
    expect(parseNatsVersion("nats-server: v2.11.0-RC.1")).toEqual([2, 11, 0]);
    expect(parseNatsVersion("command not found")).toBeUndefined();
  });

  test("sync_interval: always from 2.10 on", () => {
    expect(supportsSyncAlways([2, 9, 10])).toBe(false);
    expect(supportsSyncAlways([2, 10, 0])).toBe(true);
    expect(supportsSyncAlways([3, 0, 0])).toBe(true);
  });
});
