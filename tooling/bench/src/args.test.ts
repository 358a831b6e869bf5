import { describe, expect, test } from "bun:test";
import { DEFAULT_STEPS, parseArgs } from "./args.ts";

describe("parseArgs", () => {
  test("no arguments: every step but peers, full size, default output", () => {
    const r = parseArgs([]);
    expect(r).toEqual({
      ok: true,
      args: {
        quick: false,
        only: new Set(DEFAULT_STEPS),
        out: "bench-results.json",
        brokerEnv: {},
        brokerCpuProfDir: undefined,
        statementStats: false,
        help: false,
      },
    });
  });

  test("--quick, --only (any case, spaces) and --out in both spellings", () => {
    const r = parseArgs(["--quick", "--only", "w1, W3,ceilings", "--out=x.json"]);
    if (!r.ok) throw new Error(r.problem);
    expect(r.args.quick).toBe(true);
    expect([...r.args.only]).toEqual(["W1", "W3", "ceilings"]);
    expect(r.args.out).toBe("x.json");
  });

  test("peers runs only when asked for", () => {
    expect(DEFAULT_STEPS).not.toContain("peers");
    const r = parseArgs(["--only", "peers"]);
    if (!r.ok) throw new Error(r.problem);
    expect([...r.args.only]).toEqual(["peers"]);
  });

  test("--broker-env collects KEY=VALUE pairs, values may hold '='", () => {
    const r = parseArgs(["--broker-env", "DB_POOL_SIZE=20", "--broker-env=X_Y=a=b"]);
    if (!r.ok) throw new Error(r.problem);
    expect(r.args.brokerEnv).toEqual({ DB_POOL_SIZE: "20", X_Y: "a=b" });
  });

  test.each([[["--only", "W9"]], [["--only", ","]], [["--out"]], [["--broker-env", "lower=1"]], [["--fast"]]])(
    "%p is refused with a problem",
    (argv) => {
      const r = parseArgs(argv);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem.length).toBeGreaterThan(0);
    },
  );
});
