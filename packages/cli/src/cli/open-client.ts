import type { Membership, MeshHome } from "@mesh/sdk";
import { MeshClient, type MeshClientOptions } from "@mesh/sdk";
import { CliError } from "../cli-error.ts";
import { type CommandContext, type OptionSpec, stringOption } from "./command.ts";

/** `--mesh`, taken by every command that talks to one mesh. */
export const MESH_OPTION: Record<string, OptionSpec> = {
  mesh: { type: "string", value: "SLUG", description: "the mesh to use, when this home joined several" },
};

/** The membership `--mesh` names (or the only one) and a client for it, connected. */
export async function openClient(
  ctx: CommandContext,
  overrides: Partial<MeshClientOptions> = {},
): Promise<{ client: MeshClient; membership: Membership }> {
  const membership = ctx.home.membership(stringOption(ctx, "mesh"));
  const client = createClient(ctx.home, membership, overrides);
  const abort = () => void client.close();
  ctx.signal.addEventListener("abort", abort, { once: true });
  try {
    await client.connect();
  } catch (e: unknown) {
    await client.close();
    throw e;
  } finally {
    ctx.signal.removeEventListener("abort", abort);
  }
  return { client, membership };
}

/** A client for `membership` with this home's identity. */
export function createClient(
  home: MeshHome,
  membership: Membership,
  overrides: Partial<MeshClientOptions> = {},
): MeshClient {
  const identity = home.identity();
  if (!identity) throw new CliError("no_identity", `no identity in ${home.dir}; run \`mesh join <link>\` first`);
  return new MeshClient({
    brokerUrl: membership.brokerUrl,
    meshId: membership.meshId,
    memberId: membership.memberId,
    identity,
    meshRootKey: membership.rootKey,
    connectTimeoutMs: 10_000,
    ...overrides,
  });
}
