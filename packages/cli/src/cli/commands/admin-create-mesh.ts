import { generateEd25519KeyPair } from "@mesh/shared";
import { openAdminClient, requiredOption } from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { claudemeshProfileWarning, parseClientProfile } from "../../admin/client-profile.ts";
import { parseMeshName } from "../../admin/mesh-name.ts";
import { parseMeshSlug } from "../../admin/mesh-slug.ts";
import { CliError } from "../../cli-error.ts";
import { stringOption } from "../command.ts";
import { adminCommand, NEW_MESH_OPTIONS } from "./admin-command.ts";
import { withoutRootKey } from "./admin-mesh.ts";

/** `mesh admin create-mesh --slug S --name N`: the operator creates a mesh over the API; its owner key stays here. */
export const adminCreateMeshCommand = adminCommand({
  name: "admin create-mesh",
  summary: "create a mesh (operator token); its owner key is made here and kept in MESH_HOME (0600)",
  options: NEW_MESH_OPTIONS,
  async run(ctx) {
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
  },
});
