import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { hookCommandLine, hookSettings } from "../../hook/hook-settings.ts";
import { runHook } from "../../hook/run-hook.ts";
import { type Command, stringOption } from "../command.ts";

/**
 * The CLI entry, by absolute path so the hook works from any cwd: the script
 * this process runs (the source entry, or a bundle), else the source entry.
 */
function cliScript(): string {
  const running = process.argv[1];
  if (running !== undefined && isAbsolute(running) && existsSync(running)) return running;
  return fileURLToPath(new URL("../main.ts", import.meta.url));
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
        runtime: process.execPath,
        script: cliScript(),
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
