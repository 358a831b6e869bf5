import { HOOKED_EVENTS } from "./hook-event.ts";

/** Seconds Claude Code waits for the hook; it finishes in about one. */
const HOOK_TIMEOUT_SECONDS = 5;

/** Quotes one word for a POSIX shell (Claude Code runs hook commands through one). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The shell command that runs `mesh hook` from any cwd: absolute runtime and
 * script, `MESH_HOME` pinned when one is in use, `--mesh` when asked for.
 */
export function hookCommandLine(input: {
  runtime: string;
  script: string;
  meshHome?: string | undefined;
  mesh?: string | undefined;
}): string {
  const words = [input.runtime, input.script, "hook", ...(input.mesh === undefined ? [] : ["--mesh", input.mesh])];
  const env = input.meshHome ? `MESH_HOME=${shellQuote(input.meshHome)} ` : "";
  return env + words.map(shellQuote).join(" ");
}

/** One command hook, as Claude Code's settings take it. */
interface CommandHook {
  type: "command";
  command: string;
  timeout: number;
}

/** The `hooks` part of `.claude/settings.json`. */
export interface HookSettings {
  hooks: Record<string, { matcher?: string; hooks: CommandHook[] }[]>;
}

/**
 * The `.claude/settings.json` snippet that runs `command` on every event
 * `mesh hook` maps to a status. Tool events take a matcher (`*`: every tool);
 * the others have none.
 */
export function hookSettings(command: string): HookSettings {
  const hook: CommandHook = { type: "command", command, timeout: HOOK_TIMEOUT_SECONDS };
  const hooks: HookSettings["hooks"] = {};
  for (const event of HOOKED_EVENTS) {
    hooks[event] = [event === "PreToolUse" ? { matcher: "*", hooks: [hook] } : { hooks: [hook] }];
  }
  return { hooks };
}
