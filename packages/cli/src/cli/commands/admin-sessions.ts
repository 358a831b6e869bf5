import type { AdminSession } from "@mesh/sdk";
import { openAdminClient, requiredOption } from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { resolveSessionId } from "../../admin/resolve-member.ts";
import { type Column, formatAge, formatSeconds, plural } from "../../admin/table.ts";
import { terminalText } from "../terminal-text.ts";
import { meshAdminCommand, printListing } from "./admin-command.ts";

const SESSION_COLUMNS: readonly Column<AdminSession>[] = [
  ["SESSION", (s) => s.presenceId],
  ["MEMBER", (s) => s.memberName],
  ["STATUS", (s) => s.status],
  ["SOURCE", (s) => s.statusSource],
  ["INSTANCE", (s) => s.instanceId.slice(0, 8)],
  ["CONNECTED", (s) => formatSeconds(s.connectedSeconds)],
  ["LAST PING", (s) => formatAge(s.lastPingAt)],
];

/** `mesh admin sessions --mesh S`. */
export const adminSessionsCommand = meshAdminCommand({
  name: "admin sessions",
  summary: "list a mesh's live sessions on every instance: member, status, instance, age",
  async run(ctx, slug) {
    const answer = await adminCall(openAdminClient(ctx, { slug }).listSessions(slug));
    const instances = new Set(answer.sessions.map((s) => s.instanceId)).size;
    printListing(
      ctx,
      answer,
      answer.sessions,
      SESSION_COLUMNS,
      `${plural(answer.sessions.length, "live session")} on ${plural(instances, "instance")}`,
    );
  },
});

/** `mesh admin kick --mesh S --session ID`. */
export const adminKickCommand = meshAdminCommand({
  name: "admin kick",
  summary: "close one live session (4003 session_kicked); its member is not revoked and may reconnect",
  options: {
    session: { type: "string", value: "ID", description: "the session's id, or a unique start of it" },
  },
  async run(ctx, slug) {
    const ref = requiredOption(ctx, "session");
    const client = openAdminClient(ctx, { slug });
    const { sessions } = await adminCall(client.listSessions(slug));
    const answer = await adminCall(client.kickSession(slug, resolveSessionId(sessions, ref)));
    const s = answer.session;
    ctx.out.result(
      `kicked session ${s.presenceId} of ${terminalText(s.memberName)} (connected ${formatSeconds(s.connectedSeconds)})`,
      answer,
    );
  },
});
