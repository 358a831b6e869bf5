import type { EnvVariables } from "@mesh/db";

/** The flags that print the reference instead of starting the broker. */
export const REFERENCE_FLAGS: readonly string[] = ["--print-env", "--help", "-h"];

/**
 * The environment reference printed by `--print-env` and `--help`: one block
 * per variable with its default, accepted range and meaning, from the same
 * table that validates the environment.
 */
export function formatEnvReference(variables: EnvVariables): string {
  const blocks = Object.entries(variables).map(([name, v]) =>
    [name, `  default:  ${v.shownDefault}`, `  accepted: ${v.accepted}`, `  meaning:  ${v.meaning}`].join("\n"),
  );
  const intro = [
    "Usage: bun apps/broker/src/index.ts [--print-env | --help]",
    "",
    "The broker takes its whole configuration from these environment variables, read once at start-up.",
    "A value outside its range stops the broker before it listens (exit code 1); an empty value counts as unset.",
  ].join("\n");
  return `${[intro, ...blocks].join("\n\n")}\n`;
}
