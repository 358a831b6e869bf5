import { describe, expect, test } from "bun:test";
import { hookCommandLine, hookSettings, shellQuote } from "./hook-settings.ts";

describe("shellQuote", () => {
  test("leaves plain words alone and single-quotes the rest", () => {
    expect(shellQuote("/usr/local/bin/bun")).toBe("/usr/local/bin/bun");
    expect(shellQuote("/home/a b/x")).toBe("'/home/a b/x'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("$(rm -rf ~)")).toBe("'$(rm -rf ~)'");
  });
});

describe("hookCommandLine", () => {
  test("absolute runtime and script, then hook", () => {
    expect(hookCommandLine({ runtime: "/opt/bun/bin/bun", script: "/src/mesh/packages/cli/src/cli/main.ts" })).toBe(
      "/opt/bun/bin/bun /src/mesh/packages/cli/src/cli/main.ts hook",
    );
  });

  test("pins MESH_HOME and --mesh when given", () => {
    expect(hookCommandLine({ runtime: "/b", script: "/m.ts", meshHome: "/home/me/mesh b", mesh: "team" })).toBe(
      "MESH_HOME='/home/me/mesh b' /b /m.ts hook --mesh team",
    );
  });
});

describe("hookSettings", () => {
  test("installs the command for the four mapped events, with a matcher only for tool events", () => {
    expect(hookSettings("mesh hook")).toEqual({
      hooks: {
        UserPromptSubmit: [{ hooks: [{ type: "command", command: "mesh hook", timeout: 5 }] }],
        PreToolUse: [{ matcher: "*", hooks: [{ type: "command", command: "mesh hook", timeout: 5 }] }],
        Stop: [{ hooks: [{ type: "command", command: "mesh hook", timeout: 5 }] }],
        SubagentStop: [{ hooks: [{ type: "command", command: "mesh hook", timeout: 5 }] }],
      },
    });
  });
});
