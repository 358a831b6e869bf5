import type { Command } from "./command.ts";

/** What a request for help (`mesh help …`, `mesh … --help`) is about. */
export type HelpTarget =
  | { kind: "overall" }
  | { kind: "command"; command: Command }
  | { kind: "group"; prefix: string; commands: Command[] }
  | { kind: "unknown"; words: string[] };

/**
 * Finds what `words` (the command words, options left out) name: nothing
 * (the overall help), one command exactly, or the first words of several
 * (a group such as `admin`, whose commands are listed).
 */
export function helpTarget(commands: readonly Command[], words: readonly string[]): HelpTarget {
  if (words.length === 0) return { kind: "overall" };
  const exact = commands.find((c) => c.name === words.join(" "));
  if (exact) return { kind: "command", command: exact };
  const prefix = words.join(" ");
  const under = commands.filter((c) => c.name.startsWith(`${prefix} `));
  if (under.length > 0) return { kind: "group", prefix, commands: under };
  return { kind: "unknown", words: [...words] };
}

/** The leading words of `argv` before its first option: the command it names, if any. */
export function commandWords(argv: readonly string[]): string[] {
  const end = argv.findIndex((a) => a.startsWith("-"));
  return argv.slice(0, end === -1 ? argv.length : end);
}
