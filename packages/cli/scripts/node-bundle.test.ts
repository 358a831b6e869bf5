import { describe, expect, test } from "bun:test";
import { withNodeShebang } from "./node-bundle.ts";

describe("withNodeShebang", () => {
  test("replaces the source's bun shebang with node's", () => {
    expect(withNodeShebang("#!/usr/bin/env bun\nconsole.log(1);\n")).toBe("#!/usr/bin/env node\nconsole.log(1);\n");
  });

  test("adds one when there is none", () => {
    expect(withNodeShebang("console.log(1);\n")).toBe("#!/usr/bin/env node\nconsole.log(1);\n");
  });
});
