import { generateEd25519KeyPair } from "@mesh/shared";
import { ADMIN_API_OPTIONS, noPositionals, openAdminClient, requiredOption } from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { claudemeshProfileWarning, parseClientProfile } from "../../admin/client-profile.ts";
import { parseMeshName } from "../../admin/mesh-name.ts";
import { parseMeshSlug } from "../../admin/mesh-slug.ts";
import { CliError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { withoutRootKey } from "./admin-mesh.ts";

/** `mesh admin create-mesh --slug S --name N`: the operator creates a mesh over the API; its owner key stays here. */
export const adminCreateMeshCommand: Command = {
  name: "admin create-mesh",
  summary: "create a mesh (operator token); its owner key is made here and kept in MESH_HOME (0600)",
  options: {
    slug: { type: "string", value: "SLUG", description: "short id: lowercase letters, digits, hyphens (≤ 63)" },
    name: { type: "string", value: "NAME", description: "display name of the mesh" },
    profile: {
      type: "string",
      value: "strict|claudemesh",
      description: "client profile (default strict); claudemesh: broadcasts NOT encrypted, for claudemesh clients",
    },
    ...ADMIN_API_OPTIONS,
  },
  async run(ctx) {
    noPositionals(ctx);
    const slug = parseMeshSlug(requiredOption(ctx, "slug"));
    const name = parseMeshName(requiredOption(ctx, "name"));
    const profile = parseClientProfile(stringOption(ctx, "profile") ?? "strict");
    if (ctx.home.owner(slug)) {
      throw new CliError(
        "owner_exists",
        `${ctx.home.dir} already holds an owner key for a mesh "${slug}"; move it away first, or use another MESH_HOME`,
      );
    }
    const client = openAdminClient(ctx);
    // The secret half never leaves this machine: the broker gets the public key only.
    const owner = generateEd25519KeyPair();
    const answer = await adminCall(client.createMesh({ slug, name, profile, ownerPubkey: owner.publicKey }));
    const { mesh } = answer;
    if (mesh.rootKey === undefined) {
      throw new CliError("bad_response", `the broker created mesh ${slug} but sent no root key`);
    }
    try {
      ctx.home.saveOwner({
        meshId: mesh.id,
        slug,
        ...owner,
        rootKey: mesh.rootKey,
        createdAt: mesh.createdAt,
        brokerUrl: client.baseUrl,
      });
    } catch (e: unknown) {
      throw new CliError(
        "owner_not_saved",
        `mesh ${slug} was created, but its owner key could not be saved in ${ctx.home.dir}; the operator token still manages it`,
        1,
        { cause: e },
      );
    }
    ctx.out.result(
      `created mesh ${slug} (${mesh.id}) with the ${mesh.profile} profile on ${client.baseUrl}; owner key saved in ${ctx.home.dir}`,
      withoutRootKey(answer),
    );
    if (mesh.profile === "claudemesh") ctx.out.info(claudemeshProfileWarning(slug));
    return undefined;
  },
};
