import type { AdminClient, AdminMember } from "@mesh/sdk";
import { displayName } from "@mesh/shared";
import { openAdminClient, requiredOption } from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { resolveMember } from "../../admin/resolve-member.ts";
import { type Column, formatAge, plural } from "../../admin/table.ts";
import { usageError } from "../../cli-error.ts";
import type { CommandContext, OptionSpec } from "../command.ts";
import { terminalText } from "../terminal-text.ts";
import { meshAdminCommand, printChange, printListing } from "./admin-command.ts";

const MEMBER_OPTION: Record<string, OptionSpec> = {
  member: { type: "string", value: "NAME|ID", description: "the member, by display name (any case) or id" },
};

const MEMBER_COLUMNS: readonly Column<AdminMember>[] = [
  ["NAME", (m) => m.name],
  ["ID", (m) => m.id],
  ["ROLE", (m) => m.role],
  ["STATE", (m) => (m.revoked ? "revoked" : "active")],
  ["JOINED", (m) => formatAge(m.joinedAt)],
  ["LAST SEEN", (m) => formatAge(m.lastSeenAt)],
  ["SESSIONS", (m) => String(m.liveSessions), "right"],
  ["UNDELIVERED", (m) => String(m.undelivered), "right"],
  ["KEY", (m) => `${m.pubkey.slice(0, 16)}…`],
];

/** `mesh admin members --mesh S`. */
export const adminMembersCommand = meshAdminCommand({
  name: "admin members",
  summary: "list a mesh's members, revoked ones included: role, joined, last seen, sessions, undelivered",
  async run(ctx, slug) {
    const answer = await adminCall(openAdminClient(ctx, { slug }).listMembers(slug));
    const revoked = answer.members.filter((m) => m.revoked).length;
    const live = answer.members.reduce((n, m) => n + m.liveSessions, 0);
    printListing(
      ctx,
      answer,
      answer.members,
      MEMBER_COLUMNS,
      `${plural(answer.members.length, "member")}, ${revoked} revoked, ${plural(live, "live session")}`,
    );
  },
});

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
export const adminRenameMemberCommand = meshAdminCommand({
  name: "admin rename-member",
  summary: "rename a member; its live sessions keep running, peers see the new name",
  options: {
    ...MEMBER_OPTION,
    name: { type: "string", value: "NAME", description: "the new display name (unique in the mesh, ignoring case)" },
  },
  async run(ctx, slug) {
    const parsed = displayName.safeParse(requiredOption(ctx, "name"));
    if (!parsed.success) throw usageError(`--name: ${parsed.error.issues[0]?.message ?? "not a display name"}`);
    const client = openAdminClient(ctx, { slug });
    const member = await findMember(ctx, client, slug);
    const answer = await adminCall(client.renameMember(slug, member.id, parsed.data));
    printChange(
      ctx,
      answer,
      `${who(member)} is now named ${terminalText(answer.member.name)}`,
      `${who(member)} already has that name`,
    );
  },
});

/** `mesh admin revoke-member --mesh S --member NAME|ID`. */
export const adminRevokeMemberCommand = meshAdminCommand({
  name: "admin revoke-member",
  summary: "revoke a member: its sessions close on every instance, its key is refused, its queued envelopes retired",
  options: MEMBER_OPTION,
  async run(ctx, slug) {
    const client = openAdminClient(ctx, { slug });
    const member = await findMember(ctx, client, slug);
    if (member.liveSessions > 0) {
      ctx.out.info(`revoking ${who(member)}: closing ${plural(member.liveSessions, "live session")}…`);
    }
    const answer = await adminCall(client.revokeMember(slug, member.id));
    printChange(
      ctx,
      answer,
      `${who(member)} revoked; ${plural(answer.retired, "queued envelope")} retired`,
      `${who(member)} was already revoked`,
    );
  },
});

/** `mesh admin restore-member --mesh S --member NAME|ID`. */
export const adminRestoreMemberCommand = meshAdminCommand({
  name: "admin restore-member",
  summary: "undo a revocation: the member's key may connect again (retired envelopes stay retired)",
  options: MEMBER_OPTION,
  async run(ctx, slug) {
    const client = openAdminClient(ctx, { slug });
    const member = await findMember(ctx, client, slug, "revoked");
    const answer = await adminCall(client.restoreMember(slug, member.id));
    printChange(ctx, answer, `${who(member)} restored`, `${who(member)} was not revoked`);
  },
});
