import type { Command } from "../command.ts";
import { adminCreateMeshCommand } from "./admin-create-mesh.ts";
import { adminInviteCommand } from "./admin-invite.ts";
import { adminSetProfileCommand } from "./admin-set-profile.ts";
import { hookCommand } from "./hook.ts";
import { joinCommand } from "./join.ts";
import { listenCommand } from "./listen.ts";
import { peersCommand } from "./peers.ts";
import { sendCommand } from "./send.ts";
import { statusCommand } from "./status.ts";

/** Every `mesh` subcommand, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  joinCommand,
  sendCommand,
  listenCommand,
  statusCommand,
  peersCommand,
  hookCommand,
  adminCreateMeshCommand,
  adminInviteCommand,
  adminSetProfileCommand,
];
