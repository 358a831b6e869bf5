import { usageError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";

/** `mesh admin set-profile --mesh S --profile P`: an operator changes how a mesh's clients talk. */
export const adminSetProfileCommand: Command = {
  name: "admin set-profile",
  summary: "change a mesh's client profile (strict or claudemesh) and audit the change (operator)",
  options: {
    mesh: { type: "string", value: "SLUG", description: "the mesh" },
    profile: {
      type: "string",
      value: "strict|claudemesh",
      description: "strict: broadcasts sealed with the mesh key; claudemesh: broadcasts NOT encrypted",
    },
  },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw usageError(`unexpected argument "${ctx.positionals[0]}"`);
    const slugText = stringOption(ctx, "mesh");
    const profileText = stringOption(ctx, "profile");
    if (slugText === undefined || profileText === undefined) throw usageError("--mesh and --profile are required");
    const admin = await import("../../admin/index.ts");
    const slug = admin.parseMeshSlug(slugText);
    const profile = admin.parseClientProfile(profileText);

    const database = await admin.openAdminDatabase(ctx.env);
    if (database.source.kind === "embedded") ctx.out.info(`using the embedded Postgres in ${database.source.dataDir}`);
    try {
      const change = await admin.setMeshProfile(database.client.sql, { slug, profile }).catch((e: unknown) => {
        throw admin.asDatabaseError(e);
      });
      ctx.out.result(
        change.changed
          ? `mesh ${slug} now runs the ${change.profile} profile (was ${change.previous})`
          : `mesh ${slug} already runs the ${change.profile} profile; nothing changed`,
        { ok: true, ...change },
      );
      if (change.profile === "claudemesh") ctx.out.info(admin.claudemeshProfileWarning(slug));
      if (change.changed) {
        ctx.out.info("hooks follow the new profile at once; connected sessions learn it at their next hello");
      }
    } finally {
      await database.close();
    }
    return undefined;
  },
};
