import { parseArgs } from "node:util";
import { MeshError, MeshHome, resolveMeshHome } from "@mesh/sdk";
import { toError } from "@mesh/shared";
import { CliError, ExitCode } from "../cli-error.ts";
import type { Command } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { commandHelp, groupHelp, overallHelp } from "./help.ts";
import { commandWords, helpTarget } from "./help-target.ts";
import { createOutput } from "./output.ts";
import { terminalJson, terminalText } from "./terminal-text.ts";
import { CLI_VERSION } from "./version.ts";

/** Options every command takes. */
const COMMON_OPTIONS = {
  json: { type: "boolean", description: "machine-readable output: one JSON object per line" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

/** Finds the longest command name that the arguments start with. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(" ").length)) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}

/** Runs the `mesh` CLI with `argv` (without the runtime and script); resolves with the exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  if (argv.includes("--version") && commandWords(argv).length === 0) {
    process.stdout.write(`${CLI_VERSION}\n`);
    return ExitCode.ok;
  }
  if (argv[0] === "help") return showHelp(argv.slice(1), true);
  const found = findCommand(argv);
  if (!found) return showHelp(commandWords(argv), argv.length === 0 || argv.includes("--help") || argv.includes("-h"));
  const { command, rest } = found;
  const options = { ...command.options, ...COMMON_OPTIONS };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e: unknown) {
    process.stderr.write(`mesh ${command.name}: ${toError(e).message}\n\n${commandHelp(command, COMMON_OPTIONS)}`);
    return ExitCode.usage;
  }
  if (parsed.values.help) {
    process.stdout.write(commandHelp(command, COMMON_OPTIONS));
    return ExitCode.ok;
  }
  const json = parsed.values.json === true;
  const out = createOutput(json);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const code = await command.run({
      positionals: parsed.positionals,
      values: parsed.values,
      json,
      home: new MeshHome(resolveMeshHome(env)),
      env,
      out,
      signal: controller.signal,
    });
    return code ?? ExitCode.ok;
  } catch (e: unknown) {
    const error = asCliError(e);
    if (json) process.stdout.write(`${terminalJson({ ok: false, error: error.code, message: error.message })}\n`);
    // The message and code may be the broker's (or a peer's name quoted in one).
    const message = terminalText(error.message);
    process.stderr.write(
      `mesh ${command.name}: ${message}${error.code === "internal" ? "" : ` (${terminalText(error.code)})`}\n`,
    );
    if (error.exitCode === ExitCode.usage) process.stderr.write(`\n${commandHelp(command, COMMON_OPTIONS)}`);
    return error.exitCode;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/**
 * Help for what `words` name: a command's options, a group's commands
 * (`admin`), or the overall list. Asked for, it goes to stdout with exit 0;
 * otherwise (a group without its command, an unknown word) to stderr with
 * the usage exit code.
 */
function showHelp(words: string[], asked: boolean): number {
  const target = helpTarget(COMMANDS, words);
  if (target.kind === "command") {
    process.stdout.write(commandHelp(target.command, COMMON_OPTIONS));
    return ExitCode.ok;
  }
  const text = target.kind === "group" ? groupHelp(target.prefix, target.commands) : overallHelp(COMMANDS);
  if (asked && target.kind !== "unknown") {
    process.stdout.write(text);
    return ExitCode.ok;
  }
  process.stderr.write(text);
  const typed = terminalText(words.join(" "));
  process.stderr.write(
    target.kind === "group" ? `\nmesh: "${typed}" needs a command\n` : `\nmesh: unknown command "${typed}"\n`,
  );
  return ExitCode.usage;
}

/** Any failure as the CLI reports it: an SDK `MeshError` keeps its code and exits 1; anything unexpected is `internal`. */
function asCliError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof MeshError) return new CliError(e.code, e.message, ExitCode.failure, { cause: e });
  return new CliError("internal", toError(e).message, ExitCode.failure, { cause: e });
}
