import { ADMIN_API_OPTIONS, MESH_SLUG_OPTION, meshSlugOption, noPositionals } from "../../admin/admin-connection.ts";
import { type Column, formatColumns } from "../../admin/table.ts";
import type { Command, CommandContext, OptionSpec } from "../command.ts";

/** What describes a new mesh: `create-mesh` (over the API) and `bootstrap` (in the database) take the same. */
export const NEW_MESH_OPTIONS: Record<string, OptionSpec> = {
  slug: { type: "string", value: "SLUG", description: "short id: lowercase letters, digits, hyphens (≤ 63)" },
  name: { type: "string", value: "NAME", description: "display name of the mesh" },
  profile: {
    type: "string",
    value: "strict|claudemesh",
    description: "client profile (default strict); claudemesh: broadcasts NOT encrypted, for claudemesh clients",
  },
};

/** What a `mesh admin` command over the API states for itself: the rest is the same for all. */
interface AdminCommandSpec {
  name: string;
  summary: string;
  /** Its own options; help lists them before the API's (`--broker`, `--token-file`). */
  options?: Record<string, OptionSpec>;
}

/** A `mesh admin` command over the API that names no mesh: options only, its own then the API's. */
export function adminCommand(spec: AdminCommandSpec & { run(ctx: CommandContext): Promise<void> }): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    options: { ...spec.options, ...ADMIN_API_OPTIONS },
    async run(ctx) {
      noPositionals(ctx);
      await spec.run(ctx);
      return undefined;
    },
  };
}

/** A `mesh admin` command about one mesh: `--mesh S` first in its options; `run` gets the slug. */
export function meshAdminCommand(
  spec: AdminCommandSpec & { run(ctx: CommandContext, slug: string): Promise<void> },
): Command {
  return adminCommand({
    ...spec,
    options: { ...MESH_SLUG_OPTION, ...spec.options },
    run: (ctx) => spec.run(ctx, meshSlugOption(ctx)),
  });
}

/**
 * Prints a listing: under `--json` the API's answer as it came; for people,
 * `items` as a table of `columns`, a blank line, and the `count` line.
 */
export function printListing<T>(
  ctx: CommandContext,
  answer: unknown,
  items: readonly T[],
  columns: readonly Column<T>[],
  count: string,
): void {
  ctx.out.result(`${formatColumns(columns, items)}\n\n${count}`, answer);
}

/**
 * Prints what a change did: `done`, or, when the broker found it so already,
 * `unchanged` and "; nothing changed". Under `--json` the answer.
 */
export function printChange(ctx: CommandContext, answer: { changed: boolean }, done: string, unchanged: string): void {
  ctx.out.result(answer.changed ? done : `${unchanged}; nothing changed`, answer);
}
