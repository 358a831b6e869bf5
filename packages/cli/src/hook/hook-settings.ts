import { HOOKED_EVENTS } from "./hook-event.ts";

/** Seconds Claude Code waits for the hook; it finishes in about one. */
const HOOK_TIMEOUT_SECONDS = 5;

/** Quotes one word for a POSIX shell (Claude Code runs hook commands through one). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Where the running CLI is: what {@link hookEntry} decides from. */
export interface CliLocation {
  /** The runtime running it (`process.execPath`). */
  runtime: string;
  /** The entry script's absolute path as it was started (through a `.bin` link, say). */
  script: string;
  /** The same with every symlink resolved. */
  scriptRealPath: string;
  /** The `mesh` the shell finds on PATH, as given and resolved; undefined when there is none. */
  meshOnPath: { path: string; realPath: string } | undefined;
  /** Whether a file exists. */
  exists: (path: string) => boolean;
}

/**
 * The words that start this CLI from a hook, chosen to survive an upgrade:
 * `mesh` when the PATH's `mesh` is this very CLI; else, for an installed
 * package, the `node_modules/.bin/mesh` link of the project (or global
 * folder) holding it, never the versioned folder under `node_modules/.pnpm`;
 * else (a checkout) the runtime and the absolute script.
 */
export function hookEntry(location: CliLocation): string[] {
  const { exists } = location;
  const stable = stableBin(location.script, exists) ?? stableBin(location.scriptRealPath, exists);
  const onPath = location.meshOnPath;
  if (onPath && (onPath.realPath === location.scriptRealPath || onPath.path === stable)) return ["mesh"];
  if (stable !== undefined) return [stable];
  return [location.runtime, unversionedScript(location.script, exists) ?? location.script];
}

/** The `.bin/mesh` of the outermost `node_modules` on `path`, when it exists. */
function stableBin(path: string, exists: (path: string) => boolean): string | undefined {
  const at = path.indexOf("/node_modules/");
  if (at === -1) return undefined;
  const bin = `${path.slice(0, at)}/node_modules/.bin/mesh`;
  return exists(bin) ? bin : undefined;
}

/**
 * For a script inside pnpm's versioned store (`node_modules/.pnpm/<name>@<version>/node_modules/…`),
 * the same file through the project's own `node_modules/<name>` link, which an upgrade repoints.
 */
function unversionedScript(path: string, exists: (path: string) => boolean): string | undefined {
  const outer = path.indexOf("/node_modules/.pnpm/");
  const inner = path.lastIndexOf("/node_modules/");
  if (outer === -1 || inner <= outer) return undefined;
  const linked = `${path.slice(0, outer)}/node_modules/${path.slice(inner + "/node_modules/".length)}`;
  return exists(linked) ? linked : undefined;
}

/**
 * The shell command that runs `mesh hook` from any cwd: the entry words
 * ({@link hookEntry}), `MESH_HOME` pinned when one is in use, `--mesh` when
 * asked for.
 */
export function hookCommandLine(input: {
  entry: readonly string[];
  meshHome?: string | undefined;
  mesh?: string | undefined;
}): string {
  const words = [...input.entry, "hook", ...(input.mesh === undefined ? [] : ["--mesh", input.mesh])];
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
