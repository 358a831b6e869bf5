import type { Command } from "../command.ts";

/** Every `mesh` subcommand, in the order help lists them. */
export const COMMANDS: readonly Command[] = [];
