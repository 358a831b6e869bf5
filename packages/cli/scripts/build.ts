/**
 * `pnpm --filter @mesh/cli build`: the Node bundle the package's `bin`
 * points at when packed (dist/mesh.js, migrations/).
 */
import { join } from "node:path";
import { buildNodeBundle } from "./node-bundle.ts";

const packageDir = join(import.meta.dir, "..");
const bundle = await buildNodeBundle({ packageDir, outDir: join(packageDir, "dist") });
process.stdout.write(`built ${bundle}\n`);
