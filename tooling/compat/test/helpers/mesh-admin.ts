import { join } from "node:path";
import { runToExit } from "@mesh/db/testing";

/** The `mesh` CLI (packages/cli), run from source. */
const meshCli = join(import.meta.dir, "..", "..", "..", "..", "packages", "cli", "src", "cli", "main.ts");

/** Where the operator's `mesh admin` commands run: its MESH_HOME (owner keys) and the broker's database. */
export interface Operator {
  home: string;
  databaseUrl: string;
}

/** Runs `mesh <args> --json` as a real process and returns its one JSON result line; throws on a non-zero exit. */
async function meshJson(operator: Operator, args: string[]): Promise<Record<string, unknown>> {
  const run = await runToExit([process.execPath, meshCli, ...args, "--json"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      MESH_HOME: operator.home,
      DATABASE_URL: operator.databaseUrl,
    },
  });
  if (run.code !== 0) throw new Error(`mesh ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  const line = run.stdout.split("\n").find((l) => l.trim() !== "");
  if (line === undefined) throw new Error(`mesh ${args.join(" ")} printed nothing`);
  return JSON.parse(line) as Record<string, unknown>;
}

let meshes = 0;

/** `mesh admin bootstrap --profile <profile>` (straight into the database): a fresh mesh; resolves with its slug and id. */
export async function createMesh(
  operator: Operator,
  profile: "strict" | "claudemesh",
): Promise<{ slug: string; meshId: string }> {
  meshes += 1;
  const slug = `compat-${profile}-${meshes}-${Date.now().toString(36)}`;
  const created = await meshJson(operator, [
    "admin",
    "bootstrap",
    "--name",
    `Compat ${meshes}`,
    "--slug",
    slug,
    "--profile",
    profile,
  ]);
  const mesh = created.mesh as { id?: unknown; profile?: unknown } | undefined;
  if (mesh?.profile !== profile) throw new Error(`bootstrap answered ${JSON.stringify(created)}`);
  return { slug, meshId: String(mesh.id) };
}

/** `mesh admin invite --mesh <slug> --broker-url <wsUrl> --uses <uses>` (registered on that broker): the printed link. */
export async function inviteLink(operator: Operator, slug: string, wsUrl: string, uses: number): Promise<string> {
  const invite = await meshJson(operator, [
    "admin",
    "invite",
    "--mesh",
    slug,
    "--broker-url",
    wsUrl,
    "--uses",
    String(uses),
  ]);
  return String((invite.invite as { link?: unknown } | undefined)?.link);
}
