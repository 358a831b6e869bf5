import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeTempDir } from "@mesh/db/testing";
import packageJson from "../package.json" with { type: "json" };
import { buildNodeBundle } from "../scripts/node-bundle.ts";
import { meshEntry, runMesh } from "./helpers/mesh-cli.ts";

/*
 * The behaviours issue 16 found broken by trying the CLI: --version, help for
 * a group and through `mesh help <command>`, a hook command that survives an
 * upgrade, and a Node bundle that starts with Node's shebang.
 */

const dir = makeTempDir("mesh-cli-usage");
const env = () => ({ MESH_HOME: join(dir.path, "home") });

afterAll(() => dir.remove());

describe("mesh --version", () => {
  test("prints the package's version on stdout and exits 0", async () => {
    const run = await runMesh(["--version"], { env: env() });
    expect(run).toMatchObject({ code: 0, stdout: `${packageJson.version}\n`, stderr: "" });
  });
});

describe("help", () => {
  test("mesh admin --help lists the admin commands on stdout, exit 0", async () => {
    const run = await runMesh(["admin", "--help"], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toStartWith("Usage: mesh admin <command>");
    const listed = run.stdout.split("\n").filter((line) => line.startsWith("  admin "));
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(run.stdout).not.toContain("  send ");
  });

  test("mesh admin alone shows the same list on stderr and exits 2 (a command is missing)", async () => {
    const run = await runMesh(["admin"], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Usage: mesh admin <command>");
    expect(run.stderr).toContain('mesh: "admin" needs a command');
  });

  test("mesh help send shows send's own help, as mesh send --help does", async () => {
    const run = await runMesh(["help", "send"], { env: env() });
    const direct = await runMesh(["send", "--help"], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: mesh send <text…> [options]");
    expect(run.stdout).toContain("--priority");
    expect(run.stdout).toBe(direct.stdout);
  });

  test("mesh help with an unknown command is a usage error naming it", async () => {
    const run = await runMesh(["help", "sned"], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('mesh: unknown command "sned"');
  });
});

describe("mesh hook --print-config", () => {
  test("says plain `mesh hook` when the mesh on PATH is this CLI, so an upgrade does not break it", async () => {
    const bin = join(dir.path, "bin");
    const link = join(bin, "mesh");
    await Bun.write(join(bin, ".keep"), "");
    symlinkSync(meshEntry, link);
    const run = await runMesh(["hook", "--print-config", "--mesh", "team"], {
      env: { ...env(), PATH: `${bin}:${process.env.PATH ?? ""}` },
    });
    expect(run.code).toBe(0);
    const settings = JSON.parse(run.stdout) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    const command = settings.hooks.Stop?.[0]?.hooks[0]?.command;
    expect(command).toBe(`MESH_HOME=${env().MESH_HOME} mesh hook --mesh team`);
  });
});

describe("progress while a first embedded Postgres is made", () => {
  test("mesh admin bootstrap on a fresh data folder announces initdb before the mesh is created", async () => {
    const data = makeTempDir("mesh-cli-initdb");
    try {
      const run = await runMesh(["admin", "bootstrap", "--slug", "first", "--name", "First"], {
        env: { ...env(), BROKER_DATA_DIR: data.path },
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("created mesh first");
      const lines = run.stderr.split("\n");
      const initialising = lines.findIndex((line) => line.startsWith("initialising a new Postgres cluster"));
      const started = lines.findIndex((line) => line.startsWith("embedded Postgres started"));
      expect(initialising).toBeGreaterThanOrEqual(0);
      expect(started).toBeGreaterThan(initialising);
    } finally {
      data.remove();
    }
  }, 120_000);
});

describe("the Node bundle", () => {
  const outDir = join(import.meta.dir, "..", `.node-build-usage-${process.pid}`);
  let bundle = "";

  beforeAll(async () => {
    bundle = await buildNodeBundle({ packageDir: join(import.meta.dir, ".."), outDir, bundleSdk: true });
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  test("starts with #!/usr/bin/env node, is executable, and runs through that line", async () => {
    expect(readFileSync(bundle, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    expect(statSync(bundle).mode & 0o111).toBe(0o111);
    const node = Bun.which("node");
    expect(node).not.toBeNull();
    const run = await runMesh(["--version"], {
      env: { ...env(), PATH: `${dirname(node ?? "")}:/usr/bin:/bin` },
      command: [bundle],
    });
    expect(run).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
  });
});
