import type { MeshHome } from "@mesh/sdk";

/** An option of a command, as `node:util` parseArgs takes it, plus its help line. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in help text, e.g. `N` or `URL`. */
  value?: string;
  description: string;
}

/** What a command runs with: parsed arguments, the config folder, output. */
export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** `--json`: machine-readable output, one JSON value per line. */
  json: boolean;
  home: MeshHome;
  env: Record<string, string | undefined>;
  out: Output;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly. */
  signal: AbortSignal;
}

/** Where a command writes: results to stdout, diagnostics to stderr. */
export interface Output {
  /** A result: `text` for people, `data` (one JSON line) under `--json`. */
  result(text: string, data: unknown): void;
  /** A diagnostic line on stderr (stdout stays machine-readable under `--json`). */
  info(text: string): void;
}

/** One `mesh` subcommand. Returns the exit code (0 when it returns nothing). */
export interface Command {
  /** Space-separated path, e.g. `admin invite`. */
  name: string;
  summary: string;
  /** Positional arguments for the usage line, e.g. `<link>`. */
  positionals?: string;
  options: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<number | undefined> | number | undefined;
}

/** A string option's value; undefined when absent. */
export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === "string" ? value : undefined;
}
