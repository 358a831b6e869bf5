import { describe, expect, test } from "bun:test";
import { parseArgs } from "./args.ts";

const known = (word: string) => /^([1-9]|1[0-4])$/.test(word) || word === "frame-flood";

describe("parseArgs", () => {
  test("defaults: every attack, full sizes, warn logs, no output file", () => {
    expect(parseArgs([], known)).toEqual({
      ok: true,
      args: { quick: false, only: undefined, out: undefined, markdown: false, brokerLogLevel: "warn", help: false },
    });
  });

  test("--quick, --only with numbers and keys, --out=FILE", () => {
    const parsed = parseArgs(["--quick", "--only", "1, frame-flood,14", "--out=attack.json"], known);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.args.quick).toBe(true);
    expect([...(parsed.args.only ?? [])]).toEqual(["1", "frame-flood", "14"]);
    expect(parsed.args.out).toBe("attack.json");
  });

  test("refuses unknown attacks, empty lists, unknown levels and flags", () => {
    expect(parseArgs(["--only", "15"], known)).toMatchObject({ ok: false });
    expect(parseArgs(["--only", " , "], known)).toMatchObject({ ok: false });
    expect(parseArgs(["--broker-log-level", "loud"], known)).toMatchObject({ ok: false });
    expect(parseArgs(["--fast"], known)).toMatchObject({ ok: false });
  });

  test("--markdown", () => {
    expect(parseArgs(["--markdown"], known)).toMatchObject({ ok: true, args: { markdown: true } });
  });

  test("--help and -h", () => {
    expect(parseArgs(["-h"], known)).toMatchObject({ ok: true, args: { help: true } });
  });
});
