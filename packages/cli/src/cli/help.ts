import type { Command, OptionSpec } from "./command.ts";

function optionLine(name: string, spec: OptionSpec): string {
  const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`;
  return `  ${flag.padEnd(30)} ${spec.description}`;
}

/** The help text of one command. */
export function commandHelp(command: Command, common: Record<string, OptionSpec>): string {
  const usage = `mesh ${command.name}${command.positionals ? ` ${command.positionals}` : ""} [options]`;
  const lines = Object.entries({ ...command.options, ...common }).map(([name, spec]) => optionLine(name, spec));
  return `${command.summary}\n\nUsage: ${usage}\n\nOptions:\n${lines.join("\n")}\n`;
}

/** The list of commands. */
export function overallHelp(commands: readonly Command[]): string {
  const lines = commands.map(
    (c) => `  ${`${c.name}${c.positionals ? ` ${c.positionals}` : ""}`.padEnd(34)} ${c.summary}`,
  );
  return [
    "mesh: join a mesh of agents, send and receive end-to-end encrypted messages, report status.",
    "",
    "Usage: mesh <command> [options]      (mesh help <command>, or mesh <command> --help, for its options)",
    "       mesh --version",
    "",
    "Commands:",
    ...lines,
    "",
    "Identity and memberships live in MESH_HOME (default: mesh under your config folder).",
    "Exit codes: 0 ok, 1 failure, 2 usage.",
    "",
  ].join("\n");
}

/** The commands under a group's first words (`mesh admin --help`). */
export function groupHelp(prefix: string, commands: readonly Command[]): string {
  const lines = commands.map(
    (c) => `  ${`${c.name}${c.positionals ? ` ${c.positionals}` : ""}`.padEnd(34)} ${c.summary}`,
  );
  return [
    `Usage: mesh ${prefix} <command> [options]      (mesh help ${prefix} <command> for its options)`,
    "",
    "Commands:",
    ...lines,
    "",
  ].join("\n");
}
