import type { Command } from "../command.ts";
import { adminBootstrapCommand } from "./admin-bootstrap.ts";
import { adminCreateMeshCommand } from "./admin-create-mesh.ts";
import { adminInviteCommand, adminInvitesCommand, adminRevokeInviteCommand } from "./admin-invite.ts";
import {
  adminMembersCommand,
  adminRenameMemberCommand,
  adminRestoreMemberCommand,
  adminRevokeMemberCommand,
} from "./admin-members.ts";
import {
  adminArchiveMeshCommand,
  adminMeshCommand,
  adminMeshesCommand,
  adminRenameCommand,
  adminSetProfileCommand,
  adminUnarchiveMeshCommand,
} from "./admin-mesh.ts";
import { adminKickCommand, adminSessionsCommand } from "./admin-sessions.ts";
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
  adminMeshesCommand,
  adminMeshCommand,
  adminRenameCommand,
  adminSetProfileCommand,
  adminArchiveMeshCommand,
  adminUnarchiveMeshCommand,
  adminInviteCommand,
  adminInvitesCommand,
  adminRevokeInviteCommand,
  adminMembersCommand,
  adminRenameMemberCommand,
  adminRevokeMemberCommand,
  adminRestoreMemberCommand,
  adminSessionsCommand,
  adminKickCommand,
  adminBootstrapCommand,
];
