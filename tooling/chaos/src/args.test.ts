import { describe, expect, test } from "bun:test";
import { parseArgs } from "./args.ts";

describe("parseArgs", () => {
  test("defaults: every scenario, full length, warn logs, no output file", () => {
    const parsed = parseArgs([]);
    expect(parsed).toMatchObject({ ok: true, args: { quick: false, out: undefined, brokerLogLevel: "warn" } });
    if (parsed.ok) expect([...parsed.args.only]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test("--quick, --only with spaces, --out=FILE", () => {
    const parsed = parseArgs(["--quick", "--only", "1, 3", "--out=chaos.json"]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.args.quick).toBe(true);
    expect([...parsed.args.only]).toEqual([1, 3]);
    expect(parsed.args.out).toBe("chaos.json");
  });

  test("refuses unknown scenarios, levels and flags", () => {
    expect(parseArgs(["--only", "10"])).toMatchObject({ ok: false });
    expect(parseArgs(["--only", ""])).toMatchObject({ ok: false });
    expect(parseArgs(["--broker-log-level", "loud"])).toMatchObject({ ok: false });
    expect(parseArgs(["--fast"])).toMatchObject({ ok: false });
  });
});
