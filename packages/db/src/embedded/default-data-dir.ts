import { fileURLToPath } from "node:url";

/**
 * The embedded cluster's default folder: `.data/postgres` at the repository
 * root (git-ignored). Inside the repo rather than the home folder because a
 * root user's home is usually closed to the `postgres` account the server
 * runs as.
 */
export function defaultDataDir(): string {
  return fileURLToPath(new URL("../../../../.data/postgres", import.meta.url));
}
