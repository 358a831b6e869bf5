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
    "Exit codes: 0 ok, 1 failure, 2 usage, 3 refused by the broker's admin API (mesh admin).",
    "",
  ].join("\n");
}

/** What a group's help says after its commands. */
const GROUP_NOTES: Readonly<Record<string, readonly string[]>> = {
  admin: [
    "The broker: --broker URL or MESH_BROKER_URL. A mesh's owner key (kept in MESH_HOME by create-mesh or",
    "bootstrap) signs requests about that mesh; the operator token (MESH_ADMIN_TOKEN or --token-file) may do",
    "everything, and create-mesh and meshes need it. bootstrap alone writes the database (a broker's first mesh).",
    "Exit codes: 0 ok, 1 failure (e.g. broker_unreachable), 2 usage, 3 refused by the admin API (its code is printed).",
    "",
  ],
};

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
    ...(GROUP_NOTES[prefix] ?? []),
  ].join("\n");
}
