import { describe, expect, test } from "bun:test";
import { type CliLocation, hookCommandLine, hookEntry, hookSettings, shellQuote } from "./hook-settings.ts";

describe("shellQuote", () => {
  test("leaves plain words alone and single-quotes the rest", () => {
    expect(shellQuote("/usr/local/bin/bun")).toBe("/usr/local/bin/bun");
    expect(shellQuote("/home/a b/x")).toBe("'/home/a b/x'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("$(rm -rf ~)")).toBe("'$(rm -rf ~)'");
  });
});

describe("hookCommandLine", () => {
  test("the entry words, then hook", () => {
    expect(hookCommandLine({ entry: ["/opt/bun/bin/bun", "/src/mesh/packages/cli/src/cli/main.ts"] })).toBe(
      "/opt/bun/bin/bun /src/mesh/packages/cli/src/cli/main.ts hook",
    );
    expect(hookCommandLine({ entry: ["mesh"] })).toBe("mesh hook");
  });

  test("pins MESH_HOME and --mesh when given", () => {
    expect(hookCommandLine({ entry: ["/b", "/m.ts"], meshHome: "/home/me/mesh b", mesh: "team" })).toBe(
      "MESH_HOME='/home/me/mesh b' /b /m.ts hook --mesh team",
    );
  });
});

describe("hookEntry", () => {
  const pnpmScript = "/p/node_modules/.pnpm/@mesh+cli@0.1.0/node_modules/@mesh/cli/dist/mesh.js";
  const location = (over: Partial<CliLocation>): CliLocation => ({
    runtime: "/usr/bin/node",
    script: pnpmScript,
    scriptRealPath: pnpmScript,
    meshOnPath: undefined,
    exists: (path) => path === "/p/node_modules/.bin/mesh",
    ...over,
  });

  test("installed with pnpm: the project's .bin/mesh, not the versioned .pnpm folder", () => {
    expect(hookEntry(location({}))).toEqual(["/p/node_modules/.bin/mesh"]);
  });

  test("started through node_modules/@mesh/cli (npm): the same .bin/mesh", () => {
    const script = "/p/node_modules/@mesh/cli/dist/mesh.js";
    expect(hookEntry(location({ script, scriptRealPath: script }))).toEqual(["/p/node_modules/.bin/mesh"]);
  });

  test("plain mesh when PATH finds this very CLI, or the same .bin link", () => {
    const viaLink = { path: "/usr/local/bin/mesh", realPath: pnpmScript };
    expect(hookEntry(location({ meshOnPath: viaLink }))).toEqual(["mesh"]);
    const shim = { path: "/p/node_modules/.bin/mesh", realPath: "/p/node_modules/.bin/mesh" };
    expect(hookEntry(location({ meshOnPath: shim }))).toEqual(["mesh"]);
  });

  test("another mesh on PATH is not trusted to be this one", () => {
    const other = { path: "/usr/local/bin/mesh", realPath: "/opt/old/mesh.js" };
    expect(hookEntry(location({ meshOnPath: other }))).toEqual(["/p/node_modules/.bin/mesh"]);
  });

  test("a checkout (no node_modules in the path): the runtime and the absolute script", () => {
    const script = "/src/mesh/packages/cli/src/cli/main.ts";
    expect(hookEntry(location({ runtime: "/opt/bun", script, scriptRealPath: script }))).toEqual(["/opt/bun", script]);
  });

  test("without a .bin link: the runtime and the script through node_modules/@mesh/cli, not .pnpm", () => {
    const linked = "/p/node_modules/@mesh/cli/dist/mesh.js";
    expect(hookEntry(location({ exists: (path) => path === linked }))).toEqual(["/usr/bin/node", linked]);
    expect(hookEntry(location({ exists: () => false }))).toEqual(["/usr/bin/node", pnpmScript]);
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
