import { BROADCAST_TARGET, type PeerInfo } from "@mesh/shared";
import { CliError } from "../cli-error.ts";

const PUBKEY = /^[0-9a-fA-F]{64}$/;

/**
 * What `mesh send --to` addresses: a pubkey or `*` as given; otherwise the
 * member whose live session (`listPeers`) bears that name, ignoring case, by its member
 * key (so every session of it may take the message). Names are unique per
 * mesh among non-revoked members (docs/protocol.md#join-endpoint), so a live
 * session with the name is the member that holds it. A name no live session
 * bears is refused (`unknown_name`) rather than guessed, and so is a name
 * several member keys answer to (`ambiguous_name`: a broker that does not
 * keep names unique).
 */
export async function resolveTarget(to: string, listPeers: () => Promise<readonly PeerInfo[]>): Promise<string> {
  if (to === BROADCAST_TARGET || PUBKEY.test(to)) return to;
  const peers = await listPeers();
  const name = to.trim().toLowerCase();
  const members = new Set(peers.filter((p) => p.displayName.toLowerCase() === name).map((p) => p.memberPubkey));
  const [member, ...others] = members;
  if (member === undefined) {
    throw new CliError(
      "unknown_name",
      `no live session is named "${to}": a member is found by name only while it is connected; use its pubkey`,
    );
  }
  if (others.length > 0) {
    throw new CliError(
      "ambiguous_name",
      `${members.size} members are named "${to}" (this broker does not keep names unique); use a pubkey (mesh peers)`,
    );
  }
  return member;
}
