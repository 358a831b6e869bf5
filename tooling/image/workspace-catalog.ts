import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The version `pnpm-workspace.yaml`'s catalog pins for `name`: what every
 * workspace package installs and, for `bun`, what the tests run on.
 */
export function catalogVersion(repoRoot: string, name: string): string {
  const workspace: unknown = Bun.YAML.parse(readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8"));
  const catalog = (workspace as { catalog?: Record<string, unknown> } | null)?.catalog;
  const version = catalog?.[name];
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`pnpm-workspace.yaml's catalog pins no exact version of ${name} (found ${String(version)})`);
  }
  return version;
}
