import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliLocation, hookCommandLine, hookEntry, hookSettings } from "../../hook/hook-settings.ts";
import { runHook } from "../../hook/run-hook.ts";
import { type Command, stringOption } from "../command.ts";

/** Where this CLI runs from, for a hook command that survives upgrades (`hookEntry`). */
function cliLocation(env: Record<string, string | undefined>): CliLocation {
  const running = process.argv[1];
  const script =
    running !== undefined && isAbsolute(running) && existsSync(running)
      ? running
      : fileURLToPath(new URL("../main.ts", import.meta.url));
  return {
    runtime: process.execPath,
    script,
    scriptRealPath: realPathOr(script),
    meshOnPath: findOnPath("mesh", env.PATH),
    exists: existsSync,
  };
}

/** The first executable `name` in the PATH folders, as found and resolved. */
function findOnPath(name: string, path: string | undefined): { path: string; realPath: string } | undefined {
  for (const folder of (path ?? "").split(delimiter)) {
    if (!isAbsolute(folder)) continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return { path: candidate, realPath: realPathOr(candidate) };
    } catch {
      // not here
    }
  }
  return undefined;
}

function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** `mesh hook`: a Claude Code hook that reports the agent's status; always exits 0. */
export const hookCommand: Command = {
  name: "hook",
  summary: "report working/idle from a Claude Code hook event on stdin (always exits 0)",
  options: {
    "print-config": { type: "boolean", description: "print the .claude/settings.json hooks that install it" },
    mesh: { type: "string", value: "SLUG", description: "report to this joined mesh only (default: all)" },
  },
  async run(ctx) {
    const mesh = stringOption(ctx, "mesh");
    if (ctx.values["print-config"] === true) {
      const command = hookCommandLine({
        entry: hookEntry(cliLocation(ctx.env)),
        meshHome: ctx.env.MESH_HOME,
        mesh,
      });
      const settings = hookSettings(command);
      ctx.out.result(JSON.stringify(settings, null, 2), settings);
      return 0;
    }
    const debugging = ctx.env.MESH_HOOK_DEBUG === "1";
    await runHook({
      stdin: process.stdin,
      home: ctx.home,
      mesh,
      cwd: process.cwd(),
      pid: process.ppid,
      debug: debugging ? (line) => process.stderr.write(`${line}\n`) : () => {},
    });
    return 0;
  },
};
