import type { FlagsResult } from "./flags.ts";

/**
 * The parsed arguments, or the process ends: with 2 and the problem plus the
 * usage on stderr when the command line is wrong, with 0 and the usage on
 * stdout for `--help`.
 */
export function argsOrExit<T extends { help: boolean }>(parsed: FlagsResult<T>, usage: string): T {
  if (!parsed.ok) {
    process.stderr.write(`${parsed.problem}\n${usage}`);
    process.exit(2);
  }
  if (parsed.args.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return parsed.args;
}

/** `[bench 12:34:56] line`: a progress line stamped with the UTC time of day. */
export function formatProgress(harness: string, at: Date, line: string): string {
  return `[${harness} ${at.toISOString().slice(11, 19)}] ${line}\n`;
}

/** Writes progress lines to stderr, so stdout keeps only the tables. */
export function progressWriter(harness: string): (line: string) => void {
  return (line) => process.stderr.write(formatProgress(harness, new Date(), line));
}
