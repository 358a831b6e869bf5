import type { Command } from "../command.ts";
import { MESH_OPTION, openClient } from "../open-client.ts";

export const peersCommand: Command = {
  name: "peers",
  summary: "List the mesh's live sessions (name, pubkey, status, working directory)",
  options: { ...MESH_OPTION },
  async run(ctx) {
    const { client } = await openClient(ctx, { reconnect: false });
    try {
      // This command's own short session is listed too (self): it is not a peer.
      const peers = (await client.listPeers()).filter((p) => !p.self);
      const lines = peers.map((p) => `${p.displayName.padEnd(20)} ${p.pubkey} ${p.status.padEnd(7)} ${p.cwd ?? "-"}`);
      ctx.out.result(lines.length > 0 ? lines.join("\n") : "no other live sessions", { ok: true, peers });
    } finally {
      await client.close();
    }
    return undefined;
  },
};
