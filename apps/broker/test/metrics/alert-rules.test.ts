import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { requireTool } from "../helpers/required-tool.ts";

/* Issue 17, item 4: the alert rules as Prometheus itself reads them, and their unit tests (fires and does not fire). */
const rulesDir = join(import.meta.dir, "..", "..", "..", "..", "deploy", "prometheus");
const promtool = requireTool("promtool", "prometheus", "promtool check/test of deploy/prometheus/broker-alerts.yml");

function run(args: string[]): { code: number; output: string } {
  const result = Bun.spawnSync([promtool.path ?? "promtool", ...args], {
    cwd: rulesDir,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, output: `${result.stdout.toString()}${result.stderr.toString()}` };
}

describe.skipIf(promtool.skip)("alert rules", () => {
  test("promtool check rules: broker-alerts.yml is clean", () => {
    const { code, output } = run(["check", "rules", "broker-alerts.yml"]);
    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  test("promtool test rules: every *.test.yml passes", () => {
    const files = [...new Bun.Glob("*.test.yml").scanSync(rulesDir)].sort();
    expect(files).toContain("broker-alerts.test.yml");
    for (const file of files) {
      const { code, output } = run(["test", "rules", file]);
      expect({ file, output, code }).toMatchObject({ code: 0 });
      expect(output).toContain("SUCCESS");
    }
  });
});
