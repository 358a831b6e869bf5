import { readFileSync } from "node:fs";
import { AdminClient, httpBaseUrl, MeshError } from "@mesh/sdk";
import { toError } from "@mesh/shared";
import { type CommandContext, type OptionSpec, stringOption } from "../cli/command.ts";
import { CliError, usageError } from "../cli-error.ts";
import { parseMeshSlug } from "./mesh-slug.ts";

/** The options every `mesh admin` command over the API takes. */
export const ADMIN_API_OPTIONS: Record<string, OptionSpec> = {
  broker: {
    type: "string",
    value: "URL",
    description: "the broker, http(s)://host:port (or its ws:// URL); default MESH_BROKER_URL",
  },
  "token-file": {
    type: "string",
    value: "PATH",
    description: "a file holding the operator token; default the MESH_ADMIN_TOKEN variable",
  },
};

/** `--mesh SLUG`, required by every command about one mesh. */
export const MESH_SLUG_OPTION: Record<string, OptionSpec> = {
  mesh: { type: "string", value: "SLUG", description: "the mesh" },
};

/** Longest operator token the broker reads. */
const MAX_TOKEN_LENGTH = 512;

/**
 * The operator token: the file `--token-file` names (its first line), else
 * `MESH_ADMIN_TOKEN`. Never an argument: those show in `ps`.
 */
export function operatorToken(ctx: CommandContext): string | undefined {
  const file = stringOption(ctx, "token-file");
  let token: string | undefined;
  if (file !== undefined) {
    try {
      token = readFileSync(file, "utf8").split(/\r?\n/)[0]?.trim();
    } catch (e: unknown) {
      throw new CliError("token_file_unreadable", `--token-file ${file}: ${toError(e).message}`);
    }
    if (!token) throw usageError(`--token-file ${file} is empty`);
  } else {
    token = ctx.env.MESH_ADMIN_TOKEN?.trim() || undefined;
  }
  if (token !== undefined && token.length > MAX_TOKEN_LENGTH) {
    throw usageError(`the operator token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  return token;
}

/**
 * The broker's HTTP base: `--broker`, else `MESH_BROKER_URL`, else
 * `fallback` (the broker an owner record or an invite's URL names).
 */
export function adminBrokerUrl(ctx: CommandContext, fallback?: string): string {
  const given = stringOption(ctx, "broker") ?? (ctx.env.MESH_BROKER_URL?.trim() || undefined) ?? fallback;
  if (given === undefined) {
    throw usageError("no broker: pass --broker http://host:port or set MESH_BROKER_URL");
  }
  try {
    return httpBaseUrl(given);
  } catch (e: unknown) {
    if (e instanceof MeshError) throw usageError(`--broker: ${e.message}`);
    throw e;
  }
}

/** The `--mesh` slug, required. */
export function meshSlugOption(ctx: CommandContext): string {
  const slug = stringOption(ctx, "mesh");
  if (slug === undefined) throw usageError("--mesh is required");
  return parseMeshSlug(slug, "--mesh");
}

/** A required string option, trimmed. */
export function requiredOption(ctx: CommandContext, name: string): string {
  const value = stringOption(ctx, name);
  if (value === undefined || value.trim() === "") throw usageError(`--${name} is required`);
  return value.trim();
}

/** Refuses positional arguments: every admin command takes options only. */
export function noPositionals(ctx: CommandContext): void {
  if (ctx.positionals.length > 0) throw usageError(`unexpected argument "${ctx.positionals[0]}"`);
}

/**
 * A client of the broker's admin API for this command: requests about a mesh
 * whose owner key this MESH_HOME holds are signed with it, others carry the
 * operator token. `slug` picks the broker an owner record remembers when
 * neither `--broker` nor `MESH_BROKER_URL` is given.
 */
export function openAdminClient(ctx: CommandContext, options: { slug?: string; fallbackBroker?: string } = {}) {
  const owner = options.slug === undefined ? undefined : ctx.home.owner(options.slug);
  const brokerUrl = adminBrokerUrl(ctx, options.fallbackBroker ?? owner?.brokerUrl);
  return new AdminClient({
    brokerUrl,
    operatorToken: operatorToken(ctx),
    ownerKeys: (slug) => {
      const record = ctx.home.owner(slug);
      return record ? { publicKey: record.publicKey, secretKey: record.secretKey } : undefined;
    },
  });
}
