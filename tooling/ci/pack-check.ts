/**
 * `pnpm pack-check`: packs @mesh/sdk and @mesh/cli as they would be
 * published and installs each tarball into an empty folder with plain npm
 * (the CLI also with pnpm), then checks what a user gets: the SDK pulls no
 * database package, imports under Node and Bun, and its `.d.ts` type-check a
 * consumer; the installed `mesh` runs under Node and prints its version, and
 * its hook config survives an upgrade. Prints each check; exits 1 on any
 * failure.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CONSUMER_SOURCE,
  databasePackagesAmong,
  fragileHookCommand,
  MISTYPED_CONSUMER_SOURCE,
  unpublishableDependencies,
} from "./pack-rules.ts";

const repo = join(import.meta.dir, "..", "..");
const rootManifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { packageManager: string };
const pnpm = ["npx", "-y", rootManifest.packageManager];
const npmInstall = ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"];
const bun = join(repo, "node_modules", "bun", "bin", "bun.exe");
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
const keep = process.argv.includes("--keep");

let failures = 0;
let checks = 0;

function check(name: string, problem: string | undefined): void {
  checks++;
  if (problem === undefined) {
    process.stdout.write(`ok   ${name}\n`);
  } else {
    failures++;
    process.stdout.write(`FAIL ${name}\n     ${problem.replaceAll("\n", "\n     ")}\n`);
  }
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string[], cwd: string): Ran {
  const child = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  return { code: child.exitCode ?? 1, stdout: child.stdout.toString(), stderr: child.stderr.toString() };
}

/** Runs a step that later checks need; a failure is reported and stops the check. */
function step(name: string, command: string[], cwd: string): Ran {
  const ran = run(command, cwd);
  check(name, ran.code === 0 ? undefined : `${command.join(" ")} exited ${ran.code}\n${ran.stderr}${ran.stdout}`);
  if (ran.code !== 0) finish();
  return ran;
}

function emptyProject(parent: string, name: string, extra: Record<string, unknown> = {}): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module", ...extra }, null, 2));
  return dir;
}

/** Every package name under a node_modules folder (scoped ones included), nested ones too. */
function installedPackages(nodeModules: string): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith(".")) continue;
      if (entry.startsWith("@")) {
        for (const scoped of readdirSync(join(dir, entry))) {
          names.add(`${entry}/${scoped}`);
          walk(join(dir, entry, scoped, "node_modules"));
        }
      } else {
        names.add(entry);
        walk(join(dir, entry, "node_modules"));
      }
    }
  };
  walk(nodeModules);
  return [...names];
}

function manifestOf(dir: string): Record<string, unknown> & { version: string } {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown> & { version: string };
}

function hookCommandOf(ran: Ran): string {
  try {
    const settings = JSON.parse(ran.stdout) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    return settings.hooks.Stop?.[0]?.hooks[0]?.command ?? "(no Stop hook)";
  } catch {
    return `(not JSON: ${ran.stdout}${ran.stderr})`;
  }
}

function finish(): never {
  if (keep) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
  process.stdout.write(
    failures === 0
      ? `pack-check: all ${checks} checks passed\n`
      : `pack-check: ${failures} of ${checks} checks failed\n`,
  );
  process.exit(failures === 0 ? 0 : 1);
}

const work = mkdtempSync(join(tmpdir(), "mesh-pack-check-"));
const tarballs = join(work, "tarballs");
mkdirSync(tarballs);

step(
  "pnpm pack @mesh/sdk (builds dist/)",
  [...pnpm, "pack", "--pack-destination", tarballs],
  join(repo, "packages", "sdk"),
);
step(
  "pnpm pack @mesh/cli (builds the Node bundle)",
  [...pnpm, "pack", "--pack-destination", tarballs],
  join(repo, "packages", "cli"),
);
const packed = readdirSync(tarballs);
const sdkTarball = join(tarballs, packed.find((f) => f.startsWith("mesh-sdk-")) ?? "mesh-sdk-missing.tgz");
const cliTarball = join(tarballs, packed.find((f) => f.startsWith("mesh-cli-")) ?? "mesh-cli-missing.tgz");

// ── the SDK alone ──
const sdkProject = emptyProject(work, "sdk-consumer");
step("npm install <sdk tarball> into an empty folder", [...npmInstall, sdkTarball], sdkProject);
const sdkDir = join(sdkProject, "node_modules", "@mesh", "sdk");
const sdkManifest = manifestOf(sdkDir) as { dependencies?: Record<string, string>; exports?: unknown };
check(
  "the packed SDK depends on nothing npm cannot install",
  unpublishableDependencies(sdkManifest).join(", ") || undefined,
);
const exportsText = JSON.stringify(sdkManifest.exports);
check(
  "the packed SDK's exports name dist/index.js and dist/index.d.ts",
  exportsText.includes("./dist/index.js") && exportsText.includes("./dist/index.d.ts") ? undefined : exportsText,
);
const dbPackages = databasePackagesAmong(installedPackages(join(sdkProject, "node_modules")));
check("the SDK install pulled no database package", dbPackages.length === 0 ? undefined : dbPackages.join(", "));

const importScript = `import { MeshClient, MeshError, ClientErrorCode, EnvelopeCipher, verifyInviteLink, ErrorCode } from "@mesh/sdk";
const error = new MeshError(ClientErrorCode.closed, "x");
if (typeof MeshClient !== "function" || typeof EnvelopeCipher !== "function" || typeof verifyInviteLink !== "function") throw new Error("missing exports");
if (!(error instanceof Error) || error.code !== "closed" || ErrorCode.internal !== "internal") throw new Error("wrong values");
console.log("imported");`;
const viaNode = run(["node", "--input-type=module", "-e", importScript], sdkProject);
check(
  "node imports the SDK (MeshClient, MeshError, codes)",
  viaNode.stdout.trim() === "imported" ? undefined : viaNode.stderr,
);
writeFileSync(join(sdkProject, "import-check.mjs"), importScript);
const viaBun = run([bun, "import-check.mjs"], sdkProject);
check("bun imports the SDK", viaBun.stdout.trim() === "imported" ? undefined : viaBun.stderr);

const tsconfig = {
  compilerOptions: {
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "ES2022",
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    typeRoots: [join(repo, "node_modules", "@types")],
    types: ["node"],
  },
};
writeFileSync(join(sdkProject, "tsconfig.json"), JSON.stringify({ ...tsconfig, files: ["consumer.ts"] }));
writeFileSync(join(sdkProject, "consumer.ts"), CONSUMER_SOURCE);
const typed = run(["node", tsc, "-p", "tsconfig.json"], sdkProject);
check("tsc (nodenext) type-checks a consumer against the packed .d.ts", typed.code === 0 ? undefined : typed.stdout);
writeFileSync(join(sdkProject, "tsconfig.mistyped.json"), JSON.stringify({ ...tsconfig, files: ["mistyped.ts"] }));
writeFileSync(join(sdkProject, "mistyped.ts"), MISTYPED_CONSUMER_SOURCE);
const mistyped = run(["node", tsc, "-p", "tsconfig.mistyped.json"], sdkProject);
check(
  "tsc rejects a consumer that misuses MeshError.code (the types are real, not any)",
  mistyped.code !== 0 && mistyped.stdout.includes("TS2322")
    ? undefined
    : `tsc exited ${mistyped.code}: ${mistyped.stdout}`,
);

// ── the CLI, installed with npm ──
const cliProject = emptyProject(work, "cli-npm");
step(
  "npm install <sdk tarball> <cli tarball> into an empty folder",
  [...npmInstall, sdkTarball, cliTarball],
  cliProject,
);
const cliDir = join(cliProject, "node_modules", "@mesh", "cli");
const cliManifest = manifestOf(cliDir) as { version: string; dependencies?: Record<string, string> };
check(
  "the packed CLI depends on nothing npm cannot install",
  unpublishableDependencies(cliManifest).join(", ") || undefined,
);
const bin = join(cliProject, "node_modules", ".bin", "mesh");
const version = run(["node", bin, "--version"], cliProject);
check(
  `node runs the installed mesh --version (${cliManifest.version})`,
  version.code === 0 && version.stdout === `${cliManifest.version}\n`
    ? undefined
    : `exit ${version.code}: ${version.stdout}${version.stderr}`,
);
const direct = run([bin, "--version"], cliProject);
check("the installed bin runs through its own #!/usr/bin/env node line", direct.code === 0 ? undefined : direct.stderr);
const helpSend = run([bin, "help", "send"], cliProject);
check(
  "mesh help send shows send's help",
  helpSend.code === 0 && helpSend.stdout.includes("mesh send") ? undefined : helpSend.stderr,
);
check(
  "mesh hook --print-config (npm) survives an upgrade",
  fragileHookCommand(hookCommandOf(run([bin, "hook", "--print-config"], cliProject))),
);

// ── the CLI, installed with pnpm (whose store paths are versioned) ──
const pnpmProject = emptyProject(work, "cli-pnpm", {
  dependencies: { "@mesh/cli": `file:${cliTarball}` },
  pnpm: { overrides: { "@mesh/sdk": `file:${sdkTarball}` } },
});
step("pnpm install <cli tarball> into an empty folder", [...pnpm, "install", "--ignore-workspace"], pnpmProject);
const pnpmBin = join(pnpmProject, "node_modules", ".bin", "mesh");
const pnpmVersion = run([pnpmBin, "--version"], pnpmProject);
check("the pnpm-installed mesh --version", pnpmVersion.code === 0 ? undefined : pnpmVersion.stderr);
check(
  "mesh hook --print-config (pnpm) names no node_modules/.pnpm path",
  fragileHookCommand(hookCommandOf(run([pnpmBin, "hook", "--print-config"], pnpmProject))),
);

finish();
