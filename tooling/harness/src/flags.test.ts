import { describe, expect, test } from "bun:test";
import { parseChoiceList, walkFlags, walkHarnessFlags } from "./flags.ts";

function collect(argv: string[]): [string, string | undefined][] {
  const seen: [string, string | undefined][] = [];
  walkFlags(argv, (flag, value) => {
    seen.push([flag, flag.startsWith("--v") ? value() : undefined]);
    return undefined;
  });
  return seen;
}

describe("walkFlags", () => {
  test("values come inline after = or from the next argument", () => {
    expect(collect(["--v1=a", "--v2", "b", "--quick"])).toEqual([
      ["--v1", "a"],
      ["--v2", "b"],
      ["--quick", undefined],
    ]);
  });

  test("a missing value reads as undefined; = only splits long flags", () => {
    expect(collect(["--v1"])).toEqual([["--v1", undefined]]);
    expect(collect(["-h=1"])).toEqual([["-h=1", undefined]]);
  });

  test("stops at the first problem", () => {
    const seen: string[] = [];
    const problem = walkFlags(["--a", "--b", "--c"], (flag) => {
      seen.push(flag);
      return flag === "--b" ? "no b" : undefined;
    });
    expect(problem).toBe("no b");
    expect(seen).toEqual(["--a", "--b"]);
  });
});

describe("parseChoiceList", () => {
  const problems = { unknown: (w: string) => `unknown ${w}`, empty: "empty" };
  const find = (w: string) => ["a", "b"].find((c) => c === w);

  test("trims, skips blanks, keeps the order given", () => {
    const parsed = parseChoiceList(" b, ,a ", find, problems);
    expect(parsed.ok && [...parsed.chosen]).toEqual(["b", "a"]);
  });

  test("unknown words and empty lists are problems", () => {
    expect(parseChoiceList("a,z", find, problems)).toEqual({ ok: false, problem: "unknown z" });
    expect(parseChoiceList(" , ", find, problems)).toEqual({ ok: false, problem: "empty" });
  });
});

describe("walkHarnessFlags", () => {
  test("takes --quick, --help/-h and --out itself and hands on the rest", () => {
    const common = { quick: false, help: false, out: undefined as string | undefined };
    const others: string[] = [];
    const problem = walkHarnessFlags(["--quick", "-h", "--out=r.json", "--seed", "7"], common, (flag, value) => {
      others.push(`${flag}=${value()}`);
      return undefined;
    });
    expect(problem).toBeUndefined();
    expect(common).toEqual({ quick: true, help: true, out: "r.json" });
    expect(others).toEqual(["--seed=7"]);
  });

  test("--out without a file name is a problem", () => {
    const common = { quick: false, help: false, out: undefined };
    expect(walkHarnessFlags(["--out"], common, () => undefined)).toBe("--out needs a file name");
  });
});
