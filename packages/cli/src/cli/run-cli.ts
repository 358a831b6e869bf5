import { parseArgs } from "node:util";
import { MeshError, MeshHome, resolveMeshHome } from "@mesh/sdk";
import { toError } from "@mesh/shared";
import { CliError, ExitCode } from "../cli-error.ts";
import type { Command } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { commandHelp, overallHelp } from "./help.ts";
import { createOutput } from "./output.ts";
import { terminalJson, terminalText } from "./terminal-text.ts";

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
  const found = findCommand(argv);
  if (!found) {
    const asked = argv[0] === undefined || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help";
    (asked ? process.stdout : process.stderr).write(overallHelp(COMMANDS));
    if (!asked) process.stderr.write(`\nmesh: unknown command "${argv.join(" ")}"\n`);
    return asked ? ExitCode.ok : ExitCode.usage;
  }
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

/** Any failure as the CLI reports it: an SDK `MeshError` keeps its code and exits 1; anything unexpected is `internal`. */
function asCliError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof MeshError) return new CliError(e.code, e.message, ExitCode.failure, { cause: e });
  return new CliError("internal", toError(e).message, ExitCode.failure, { cause: e });
}
