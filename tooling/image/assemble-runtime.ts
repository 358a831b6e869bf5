import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { isIgnored, parseDockerignore } from "./dockerignore.ts";
import { DEPS_INSTALL_ARGS, isManifestFile, RUNTIME_ENTRIES } from "./runtime-files.ts";

/** The workspace this script lives in. */
export const REPO_ROOT = resolve(import.meta.dir, "..", "..");

/**
 * Builds in `outDir` exactly the file set of the Dockerfile's runtime stage,
 * replaying its stages on this machine: the build context (the working tree
 * minus `.dockerignore`), its manifests alone, the same pnpm install, then the
 * context on top, and finally only `RUNTIME_ENTRIES` moved into `outDir`.
 * pnpm's links are relative, so nothing in `outDir` points outside it.
 */
export async function assembleRuntime(options: { outDir: string; repoRoot?: string }): Promise<void> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const outDir = resolve(options.outDir);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty`);
  mkdirSync(outDir, { recursive: true });
  // Beside outDir, so the final moves are renames on one filesystem.
  const deps = mkdtempSync(join(dirname(outDir), ".image-deps-"));
  try {
    const context = contextFiles(repoRoot);
    for (const file of context.filter((f) => isManifestFile(basename(f)))) {
      copyEntry(join(repoRoot, file), join(deps, file));
    }
    await pnpmInstall(deps, pnpmVersion(repoRoot));
    for (const file of context) copyEntry(join(repoRoot, file), join(deps, file));
    for (const entry of RUNTIME_ENTRIES) {
      mkdirSync(dirname(join(outDir, entry)), { recursive: true });
      renameSync(join(deps, entry), join(outDir, entry));
    }
  } finally {
    rmSync(deps, { recursive: true, force: true });
  }
}

/** Every file and symlink Docker would send as the build context, relative to the root. */
export function contextFiles(repoRoot: string): string[] {
  const ignorePath = join(repoRoot, ".dockerignore");
  const patterns = existsSync(ignorePath) ? parseDockerignore(readFileSync(ignorePath, "utf8")) : [];
  const files: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of readdirSync(join(repoRoot, relativeDir), { withFileTypes: true })) {
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (isIgnored(patterns, relative)) continue;
      if (entry.isDirectory()) walk(relative);
      else files.push(relative);
    }
  };
  walk("");
  return files.sort();
}

function copyEntry(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  if (lstatSync(from).isSymbolicLink()) {
    rmSync(to, { force: true });
    symlinkSync(readlinkSync(from), to);
  } else {
    copyFileSync(from, to);
  }
}

/** The pnpm version pinned by `packageManager`, which the Dockerfile installs too. */
export function pnpmVersion(repoRoot: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { packageManager?: string };
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(manifest.packageManager ?? "");
  if (!match?.[1]) throw new Error("package.json has no packageManager pnpm@<version>");
  return match[1];
}

async function pnpmInstall(cwd: string, version: string): Promise<void> {
  // --prefer-offline: the packages are normally in the local store already; not part of the image's flags.
  const child = Bun.spawn(["npx", "-y", `pnpm@${version}`, ...DEPS_INSTALL_ARGS, "--prefer-offline"], {
    cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, out, err] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`pnpm ${DEPS_INSTALL_ARGS.join(" ")} failed (exit ${code}):\n${out}${err}`);
}

if (import.meta.main) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error("usage: bun tooling/image/assemble-runtime.ts <empty-or-new-folder>");
    process.exit(2);
  }
  await assembleRuntime({ outDir });
  console.error(`runtime file set assembled in ${resolve(outDir)}`);
}
