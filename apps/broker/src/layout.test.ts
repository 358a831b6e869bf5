import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SRC = import.meta.dir;
const REPO_ROOT = join(SRC, "..", "..", "..");
const folders = readdirSync(SRC, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => `${e.name}/`);

// A newcomer finds a behaviour from the folder names: a folder no map mentions is one they cannot find.
test("every folder of the broker's source is in DEPLOY.md's behaviour map and docs/architecture.md's folder map", () => {
  expect(folders.length).toBeGreaterThan(10);
  for (const doc of ["DEPLOY.md", "docs/architecture.md"]) {
    const text = readFileSync(join(REPO_ROOT, doc), "utf8");
    for (const folder of folders)
      expect({ doc, folder, listed: text.includes(`\`${folder}\``) }).toEqual({
        doc,
        folder,
        listed: true,
      });
  }
});
