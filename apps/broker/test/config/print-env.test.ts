import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FinishedRun, runToExit } from "@mesh/db/testing";

const REPO_ROOT = join(import.meta.dir, "..", "..", "..", "..");
const ENTRY = join(REPO_ROOT, "apps", "broker", "src", "index.ts");

/** One documented variable, as both DEPLOY.md and `--print-env` give it. */
interface DocumentedVariable {
  name: string;
  default: string;
  accepted: string;
}

/**
 * Runs the broker entry point with `flag` in an environment that could not
 * start a broker (production without DATABASE_URL, a port that is not a
 * number): the reference must print anyway, and nothing may start.
 */
async function runEntry(flag: string): Promise<FinishedRun> {
  return runToExit([process.execPath, ENTRY, flag], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", BROKER_PORT: "none" },
  });
}

/** `--print-env` prints one block per variable: its name, then `default:`, `accepted:` and `meaning:` lines. */
function parsePrintedEnv(stdout: string): (DocumentedVariable & { meaning: string })[] {
  return stdout
    .split(/\n\s*\n/)
    .map((block) => block.split("\n"))
    .filter((lines) => /^[A-Z][A-Z0-9_]*$/.test(lines[0] ?? ""))
    .map((lines) => {
      const field = (key: string) => {
        const line = lines.find((l) => l.trimStart().startsWith(`${key}:`));
        if (line === undefined) throw new Error(`${lines[0]} has no ${key}: line`);
        return line
          .trimStart()
          .slice(key.length + 1)
          .trim();
      };
      return {
        name: lines[0] ?? "",
        default: field("default"),
        accepted: field("accepted"),
        meaning: field("meaning"),
      };
    });
}

/** The rows of DEPLOY.md's Environment table, in order, without Markdown code marks. */
function deployEnvironmentTable(): DocumentedVariable[] {
  const guide = readFileSync(join(REPO_ROOT, "DEPLOY.md"), "utf8");
  const section = guide.split(/^## /m).find((s) => s.startsWith("Environment\n"));
  if (section === undefined) throw new Error("DEPLOY.md has no Environment section");
  const plain = (cell: string) => cell.replaceAll("`", "").trim();
  return section
    .split("\n")
    .filter((line) => /^\| `[A-Z][A-Z0-9_]*` /.test(line))
    .map((line) => {
      const cells = line.split("|").slice(1, -1);
      expect(cells).toHaveLength(4);
      const [name = "", def = "", accepted = ""] = cells.map(plain);
      return { name, default: def, accepted };
    });
}

describe("bun apps/broker/src/index.ts --print-env", () => {
  test("prints every variable with its default, range and meaning, and exits 0 without starting", async () => {
    const { code, stdout, stderr } = await runEntry("--print-env");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const printed = parsePrintedEnv(stdout);
    expect(printed.length).toBeGreaterThan(20);
    for (const v of printed) {
      expect(v.default.length).toBeGreaterThan(0);
      expect(v.accepted.length).toBeGreaterThan(0);
      expect(v.meaning.length).toBeGreaterThan(0);
    }
    expect(printed.find((v) => v.name === "HELLO_TIMEOUT_MS")).toMatchObject({
      default: "10000",
      accepted: expect.stringMatching(/^an integer from 1 to \d+ \(milliseconds\)$/),
    });
  });

  test("--help prints the same reference", async () => {
    const help = await runEntry("--help");
    const printEnv = await runEntry("--print-env");
    expect(help.code).toBe(0);
    expect(parsePrintedEnv(help.stdout)).toEqual(parsePrintedEnv(printEnv.stdout));
  });

  test("DEPLOY.md's Environment table says exactly what --print-env says, row by row", async () => {
    const printed = parsePrintedEnv((await runEntry("--print-env")).stdout).map(({ name, default: d, accepted }) => ({
      name,
      default: d,
      accepted,
    }));
    const documented = deployEnvironmentTable();
    // Both directions: nothing missing from the guide, nothing in it the broker does not read.
    expect(documented.map((v) => v.name)).toEqual(printed.map((v) => v.name));
    for (const [i, row] of documented.entries())
      expect(row).toEqual(printed[i] ?? { name: "", default: "", accepted: "" });
  });
});
