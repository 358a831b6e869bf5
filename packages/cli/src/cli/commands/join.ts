import { joinMesh } from "@mesh/sdk";
import { usageError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { terminalText } from "../terminal-text.ts";

export const joinCommand: Command = {
  name: "join",
  summary: "Join a mesh with an invite link (makes this home's identity on first use)",
  positionals: "<ic://join/…>",
  options: {
    name: { type: "string", value: "DISPLAY", description: "the name other agents see (required)" },
  },
  async run(ctx) {
    const [link, ...extra] = ctx.positionals;
    if (!link || extra.length > 0) throw usageError("give exactly one invite link");
    const displayName = stringOption(ctx, "name")?.trim();
    if (!displayName) throw usageError("--name is required");
    const { membership, alreadyMember, publicKey } = await joinMesh(ctx.home, link, displayName);
    ctx.out.result(
      // The slug is the invite's, written by whoever made it.
      `${alreadyMember ? "already a member of" : "joined"} ${terminalText(membership.slug)} as ${terminalText(membership.displayName)} (pubkey ${publicKey})`,
      {
        ok: true,
        meshId: membership.meshId,
        slug: membership.slug,
        memberId: membership.memberId,
        pubkey: publicKey,
        alreadyMember,
      },
    );
    return undefined;
  },
};
