import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { firstUnreachableAncestor, ROOT_FALLBACK_BASE, resolveRunAs } from "./os-user.ts";

/** Where a root user's cluster goes when the checkout is closed to the `postgres` account. */
export const ROOT_FALLBACK_DATA_DIR = join(ROOT_FALLBACK_BASE, "postgres");

/**
 * The embedded cluster's default folder: `.data/postgres` at the repository
 * root (git-ignored). When we run as root and the checkout sits somewhere the
 * `postgres` account cannot enter (a 0700 home or temp folder), the cluster
 * goes to {@link ROOT_FALLBACK_DATA_DIR} instead: Postgres refuses to run as
 * root and must be able to reach its folder.
 */
export function defaultDataDir(): string {
  const inRepo = fileURLToPath(new URL("../../../../.data/postgres", import.meta.url));
  const runAs = resolveRunAs();
  if (!runAs || firstUnreachableAncestor(inRepo, runAs) === undefined) return inRepo;
  return ROOT_FALLBACK_DATA_DIR;
}
