import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { MeshError } from "../mesh-error.ts";

/**
 * Reads a JSON file of the config folder through its schema. Undefined when
 * it does not exist; a clear error when it exists but is not what we wrote.
 */
export function readPrivateJson<T>(file: string, schema: z.ZodType<T>): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MeshError("config_corrupt", `${file} is not valid JSON; fix or remove it`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MeshError(
      "config_corrupt",
      `${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

/**
 * Writes a JSON file readable by its owner only (0600, folder 0700), through
 * a temporary file and a rename so a crash never leaves half a file.
 */
export function writePrivateJson(file: string, value: unknown): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** A key as this home stores it: 64 lower-case hex characters. */
export const storedKeyHex = z.string().regex(/^[0-9a-f]{64}$/);
