import { usageError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";

/** `mesh admin create-mesh --name N --slug S [--profile P]`: an operator creates a mesh and keeps its owner key. */
export const adminCreateMeshCommand: Command = {
  name: "admin create-mesh",
  summary: "create a mesh in the broker's database; its owner key stays in MESH_HOME (operator)",
  options: {
    name: { type: "string", value: "NAME", description: "display name of the mesh" },
    slug: { type: "string", value: "SLUG", description: "short id: lowercase letters, digits, hyphens (≤ 63)" },
    profile: {
      type: "string",
      value: "strict|claudemesh",
      description: "client profile (default strict); claudemesh: broadcasts NOT encrypted, for claudemesh clients",
    },
  },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw usageError(`unexpected argument "${ctx.positionals[0]}"`);
    const name = stringOption(ctx, "name");
    const slug = stringOption(ctx, "slug");
    if (name === undefined || slug === undefined) throw usageError("--name and --slug are required");
    // Loaded on use: the database driver is no cost to the other commands (the hook above all).
    const admin = await import("../../admin/index.ts");
    const input = {
      name: admin.parseMeshName(name),
      slug: admin.parseMeshSlug(slug),
      profile: admin.parseClientProfile(stringOption(ctx, "profile") ?? "strict"),
    };

    const database = await admin.openAdminDatabase(ctx.env);
    if (database.source.kind === "embedded") ctx.out.info(`using the embedded Postgres in ${database.source.dataDir}`);
    try {
      const mesh = await admin.createMesh({ sql: database.client.sql, home: ctx.home }, input).catch((e: unknown) => {
        throw admin.asDatabaseError(e);
      });
      ctx.out.result(
        `created mesh ${mesh.slug} (${mesh.meshId}) with the ${mesh.profile} profile; owner key saved in ${ctx.home.dir}`,
        { ok: true, meshId: mesh.meshId, slug: mesh.slug, ownerPubkey: mesh.ownerPubkey, profile: mesh.profile },
      );
      if (mesh.profile === "claudemesh") ctx.out.info(admin.claudemeshProfileWarning(mesh.slug));
    } finally {
      await database.close();
    }
    return undefined;
  },
};
