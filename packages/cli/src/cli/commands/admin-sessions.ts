import {
  ADMIN_API_OPTIONS,
  MESH_SLUG_OPTION,
  meshSlugOption,
  noPositionals,
  openAdminClient,
  requiredOption,
} from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { resolveSessionId } from "../../admin/resolve-member.ts";
import { formatAge, formatSeconds, formatTable, plural } from "../../admin/table.ts";
import type { Command } from "../command.ts";
import { terminalText } from "../terminal-text.ts";

/** `mesh admin sessions --mesh S`. */
export const adminSessionsCommand: Command = {
  name: "admin sessions",
  summary: "list a mesh's live sessions on every instance: member, status, instance, age",
  options: { ...MESH_SLUG_OPTION, ...ADMIN_API_OPTIONS },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const answer = await adminCall(openAdminClient(ctx, { slug }).listSessions(slug));
    const rows = answer.sessions.map((s) => [
      s.presenceId,
      s.memberName,
      s.status,
      s.statusSource,
      s.instanceId.slice(0, 8),
      formatSeconds(s.connectedSeconds),
      formatAge(s.lastPingAt),
    ]);
    const table = formatTable(["SESSION", "MEMBER", "STATUS", "SOURCE", "INSTANCE", "CONNECTED", "LAST PING"], rows);
    const instances = new Set(answer.sessions.map((s) => s.instanceId)).size;
    ctx.out.result(
      `${table}\n\n${plural(answer.sessions.length, "live session")} on ${plural(instances, "instance")}`,
      answer,
    );
    return undefined;
  },
};

/** `mesh admin kick --mesh S --session ID`. */
export const adminKickCommand: Command = {
  name: "admin kick",
  summary: "close one live session (4003 session_kicked); its member is not revoked and may reconnect",
  options: {
    ...MESH_SLUG_OPTION,
    session: { type: "string", value: "ID", description: "the session's id, or a unique start of it" },
    ...ADMIN_API_OPTIONS,
  },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const ref = requiredOption(ctx, "session");
    const client = openAdminClient(ctx, { slug });
    const { sessions } = await adminCall(client.listSessions(slug));
    const answer = await adminCall(client.kickSession(slug, resolveSessionId(sessions, ref)));
    const s = answer.session;
    ctx.out.result(
      `kicked session ${s.presenceId} of ${terminalText(s.memberName)} (connected ${formatSeconds(s.connectedSeconds)})`,
      answer,
    );
    return undefined;
  },
};
