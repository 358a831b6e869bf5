import type { Command } from "../command.ts";
import { MESH_OPTION, openClient } from "../open-client.ts";
import { terminalText } from "../terminal-text.ts";

export const peersCommand: Command = {
  name: "peers",
  summary: "List the mesh's live sessions (name, pubkey, status, working directory)",
  options: { ...MESH_OPTION },
  async run(ctx) {
    const { client } = await openClient(ctx, { reconnect: false });
    try {
      // This command's own short session is listed too (self): it is not a peer.
      const peers = (await client.listPeers()).filter((p) => !p.self);
      // Everything here is what peers said about themselves: escaped before it reaches the terminal.
      const lines = peers.map((p) =>
        [
          terminalText(p.displayName).padEnd(20),
          terminalText(p.pubkey),
          terminalText(p.status).padEnd(7),
          p.cwd === null ? "-" : terminalText(p.cwd),
        ].join(" "),
      );
      ctx.out.result(lines.length > 0 ? lines.join("\n") : "no other live sessions", { ok: true, peers });
    } finally {
      await client.close();
    }
    return undefined;
  },
};
