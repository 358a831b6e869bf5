import { adminBrokerUrl, noPositionals } from "../../admin/admin-connection.ts";
import { parseClientProfile } from "../../admin/client-profile.ts";
import { parseMeshName } from "../../admin/mesh-name.ts";
import { parseMeshSlug } from "../../admin/mesh-slug.ts";
import { usageError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { NEW_MESH_OPTIONS } from "./admin-command.ts";

/**
 * `mesh admin bootstrap --slug S --name N`: the one admin command that writes
 * the broker's database directly, for the first mesh of a broker whose
 * operator has no admin API yet (docs/admin-api.md; DEPLOY.md).
 */
export const adminBootstrapCommand: Command = {
  name: "admin bootstrap",
  summary:
    "create a first mesh straight in the broker's database (DATABASE_URL or the embedded one); owner key to MESH_HOME",
  options: {
    ...NEW_MESH_OPTIONS,
    broker: {
      type: "string",
      value: "URL",
      description: "the broker's URL, remembered with the owner key for the other admin commands (optional)",
    },
  },
  async run(ctx) {
    noPositionals(ctx);
    const name = stringOption(ctx, "name");
    const slug = stringOption(ctx, "slug");
    if (name === undefined || slug === undefined) throw usageError("--slug and --name are required");
    const brokerGiven = stringOption(ctx, "broker") ?? (ctx.env.MESH_BROKER_URL?.trim() || undefined);
    const input = {
      name: parseMeshName(name),
      slug: parseMeshSlug(slug),
      profile: parseClientProfile(stringOption(ctx, "profile") ?? "strict"),
      ...(brokerGiven === undefined ? {} : { brokerUrl: adminBrokerUrl(ctx) }),
    };
    // Loaded on use: the database driver is no cost to the other commands (the hook above all).
    const admin = await import("../../admin/index.ts");
    const source = admin.adminDatabaseSource(ctx.env);
    ctx.out.info(
      source.kind === "embedded"
        ? `opening the embedded Postgres in ${source.dataDir} (a first start runs initdb: several seconds)`
        : "opening the database at DATABASE_URL",
    );
    const database = await admin.openAdminDatabase(ctx.env, {
      onEvent: (event) => {
        if (event === "embedded postgres initialising") ctx.out.info("initialising a new Postgres cluster…");
        if (event === "embedded postgres started") ctx.out.info("embedded Postgres started");
        if (event === "embedded postgres reused") ctx.out.info("joined the Postgres cluster a running broker holds");
      },
    });
    try {
      const mesh = await admin
        .bootstrapMesh({ sql: database.client.sql, home: ctx.home }, input)
        .catch((e: unknown) => {
          throw admin.asDatabaseError(e);
        });
      ctx.out.result(
        `created mesh ${mesh.slug} (${mesh.meshId}) with the ${mesh.profile} profile in the database; owner key saved in ${ctx.home.dir}`,
        {
          ok: true,
          mesh: {
            id: mesh.meshId,
            slug: mesh.slug,
            name: mesh.name,
            ownerPubkey: mesh.ownerPubkey,
            profile: mesh.profile,
          },
        },
      );
      if (mesh.profile === "claudemesh") ctx.out.info(admin.claudemeshProfileWarning(mesh.slug));
    } finally {
      await database.close();
    }
    return undefined;
  },
};
