import type { AdminClient, AdminMember } from "@mesh/sdk";
import { displayName } from "@mesh/shared";
import {
  ADMIN_API_OPTIONS,
  MESH_SLUG_OPTION,
  meshSlugOption,
  noPositionals,
  openAdminClient,
  requiredOption,
} from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { resolveMember } from "../../admin/resolve-member.ts";
import { formatAge, formatTable, plural } from "../../admin/table.ts";
import { usageError } from "../../cli-error.ts";
import type { Command, CommandContext, OptionSpec } from "../command.ts";
import { terminalText } from "../terminal-text.ts";

const MEMBER_OPTION: Record<string, OptionSpec> = {
  member: { type: "string", value: "NAME|ID", description: "the member, by display name (any case) or id" },
};

/** `mesh admin members --mesh S`. */
export const adminMembersCommand: Command = {
  name: "admin members",
  summary: "list a mesh's members, revoked ones included: role, joined, last seen, sessions, undelivered",
  options: { ...MESH_SLUG_OPTION, ...ADMIN_API_OPTIONS },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const answer = await adminCall(openAdminClient(ctx, { slug }).listMembers(slug));
    const rows = answer.members.map((m) => [
      m.name,
      m.id,
      m.role,
      m.revoked ? "revoked" : "active",
      formatAge(m.joinedAt),
      formatAge(m.lastSeenAt),
      String(m.liveSessions),
      String(m.undelivered),
      `${m.pubkey.slice(0, 16)}…`,
    ]);
    const table = formatTable(
      ["NAME", "ID", "ROLE", "STATE", "JOINED", "LAST SEEN", "SESSIONS", "UNDELIVERED", "KEY"],
      rows,
      new Set([6, 7]),
    );
    const revoked = answer.members.filter((m) => m.revoked).length;
    const live = answer.members.reduce((n, m) => n + m.liveSessions, 0);
    ctx.out.result(
      `${table}\n\n${plural(answer.members.length, "member")}, ${revoked} revoked, ${plural(live, "live session")}`,
      answer,
    );
    return undefined;
  },
};

/** The member `--member` names, from the mesh's member list. */
async function findMember(
  ctx: CommandContext,
  client: AdminClient,
  slug: string,
  prefer: "live" | "revoked" = "live",
): Promise<AdminMember> {
  const ref = requiredOption(ctx, "member");
  const { members } = await adminCall(client.listMembers(slug));
  return resolveMember(members, ref, slug, prefer);
}

const who = (m: AdminMember) => terminalText(`${m.name} (${m.id})`);

/** `mesh admin rename-member --mesh S --member NAME|ID --name N`. */
export const adminRenameMemberCommand: Command = {
  name: "admin rename-member",
  summary: "rename a member; its live sessions keep running, peers see the new name",
  options: {
    ...MESH_SLUG_OPTION,
    ...MEMBER_OPTION,
    name: { type: "string", value: "NAME", description: "the new display name (unique in the mesh, ignoring case)" },
    ...ADMIN_API_OPTIONS,
  },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const parsed = displayName.safeParse(requiredOption(ctx, "name"));
    if (!parsed.success) throw usageError(`--name: ${parsed.error.issues[0]?.message ?? "not a display name"}`);
    const client = openAdminClient(ctx, { slug });
    const member = await findMember(ctx, client, slug);
    const answer = await adminCall(client.renameMember(slug, member.id, parsed.data));
    ctx.out.result(
      answer.changed
        ? `${who(member)} is now named ${terminalText(answer.member.name)}`
        : `${who(member)} already has that name; nothing changed`,
      answer,
    );
    return undefined;
  },
};

/** `mesh admin revoke-member --mesh S --member NAME|ID`. */
export const adminRevokeMemberCommand: Command = {
  name: "admin revoke-member",
  summary: "revoke a member: its sessions close on every instance, its key is refused, its queued envelopes retired",
  options: { ...MESH_SLUG_OPTION, ...MEMBER_OPTION, ...ADMIN_API_OPTIONS },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const client = openAdminClient(ctx, { slug });
    const member = await findMember(ctx, client, slug);
    if (member.liveSessions > 0) {
      ctx.out.info(`revoking ${who(member)}: closing ${plural(member.liveSessions, "live session")}…`);
    }
    const answer = await adminCall(client.revokeMember(slug, member.id));
    ctx.out.result(
      answer.changed
        ? `${who(member)} revoked; ${plural(answer.retired, "queued envelope")} retired`
        : `${who(member)} was already revoked; nothing changed`,
      answer,
    );
    return undefined;
  },
};

/** `mesh admin restore-member --mesh S --member NAME|ID`. */
export const adminRestoreMemberCommand: Command = {
  name: "admin restore-member",
  summary: "undo a revocation: the member's key may connect again (retired envelopes stay retired)",
  options: { ...MESH_SLUG_OPTION, ...MEMBER_OPTION, ...ADMIN_API_OPTIONS },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const client = openAdminClient(ctx, { slug });
    const member = await findMember(ctx, client, slug, "revoked");
    const answer = await adminCall(client.restoreMember(slug, member.id));
    ctx.out.result(
      answer.changed ? `${who(member)} restored` : `${who(member)} was not revoked; nothing changed`,
      answer,
    );
    return undefined;
  },
};
