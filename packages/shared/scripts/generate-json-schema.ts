/**
 * Writes the JSON Schema of the wire protocol to `packages/shared/schema/`
 * (`pnpm schema`), or with `--check` only says whether the files there are
 * stale (exit 1). The files are formatted by Biome, as `pnpm lint` wants
 * them; whether they are current is decided on their JSON content.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type JsonSchemaDocument, wireJsonSchemas } from "../src/json-schema/wire-json-schemas.ts";

/** Where the checked-in schema files live. */
export const SCHEMA_DIR = fileURLToPath(new URL("../schema/", import.meta.url));

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The JSON text a checked-in file is compared by: its content, key order included, not its layout. */
export function canonicalJson(document: unknown): string {
  return JSON.stringify(document);
}

/** What differs between the schema folder and a fresh generation. */
export interface SchemaDrift {
  /** Generated files that are missing or whose content differs. */
  stale: string[];
  /** JSON files in the folder that the generation no longer makes. */
  extra: string[];
}

/** Compares the schema folder with `documents` (by default a fresh generation). */
export function schemaDrift(documents: Map<string, JsonSchemaDocument> = wireJsonSchemas()): SchemaDrift {
  const present = existsSync(SCHEMA_DIR) ? readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".json")) : [];
  const stale = [...documents].flatMap(([file, document]) => {
    if (!present.includes(file)) return [file];
    let onDisk: unknown;
    try {
      onDisk = JSON.parse(readFileSync(join(SCHEMA_DIR, file), "utf8"));
    } catch {
      return [file];
    }
    return canonicalJson(onDisk) === canonicalJson(document) ? [] : [file];
  });
  return { stale, extra: present.filter((f) => !documents.has(f)) };
}

function write(): void {
  const documents = wireJsonSchemas();
  mkdirSync(SCHEMA_DIR, { recursive: true });
  const { extra } = schemaDrift(documents);
  for (const file of extra) rmSync(join(SCHEMA_DIR, file));
  const paths = [...documents].map(([file, document]) => {
    const path = join(SCHEMA_DIR, file);
    writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
    return path;
  });
  const biome = Bun.spawnSync([join(REPO_ROOT, "node_modules/.bin/biome"), "format", "--write", ...paths], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (biome.exitCode !== 0) {
    throw new Error(`biome could not format the schema files: ${biome.stderr.toString()}${biome.stdout.toString()}`);
  }
  console.log(`wrote ${paths.length} schema files${extra.length > 0 ? `, removed ${extra.join(", ")}` : ""}`);
}

function check(): number {
  const { stale, extra } = schemaDrift();
  if (stale.length === 0 && extra.length === 0) {
    console.log("schema files are up to date");
    return 0;
  }
  if (stale.length > 0) console.error(`stale schema files: ${stale.join(", ")}`);
  if (extra.length > 0) console.error(`schema files no longer generated: ${extra.join(", ")}`);
  console.error("run `pnpm schema` and commit the result");
  return 1;
}

if (import.meta.main) {
  if (process.argv.includes("--check")) process.exit(check());
  write();
}
