import { describe, expect, test } from "bun:test";
import { parseArgs } from "./args.ts";

describe("parseArgs", () => {
  test("defaults: full run, random seed, no JSON", () => {
    expect(parseArgs([])).toEqual({ ok: true, args: { quick: false, seed: undefined, out: undefined, help: false } });
  });

  test("reads --quick, --seed and --out in both spellings", () => {
    expect(parseArgs(["--quick", "--seed", "12", "--out=r.json"])).toEqual({
      ok: true,
      args: { quick: true, seed: 12, out: "r.json", help: false },
    });
    expect(parseArgs(["--seed=0"])).toMatchObject({ ok: true, args: { seed: 0 } });
  });

  test("refuses a bad seed, a missing file name and unknown flags", () => {
    expect(parseArgs(["--seed", "x"]).ok).toBe(false);
    expect(parseArgs(["--seed", "99999999999"]).ok).toBe(false);
    expect(parseArgs(["--out"]).ok).toBe(false);
    expect(parseArgs(["--fast"]).ok).toBe(false);
  });
});
