import { setTimeout as sleep } from "node:timers/promises";
import type { SessionRecord } from "@mesh/sdk";
import { STATUSES, type Status } from "@mesh/shared";
import { CliError, usageError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { MESH_OPTION } from "../open-client.ts";
import { terminalText } from "../terminal-text.ts";

/** How long `mesh status <s>` waits for the session to apply it. */
const APPLY_TIMEOUT_MS = 5000;

export const statusCommand: Command = {
  name: "status",
  summary: "Show, or set by hand, the status of this home's running `mesh listen` session",
  positionals: "[idle|working|dnd]",
  options: {
    cwd: {
      type: "string",
      value: "DIR",
      description: "pick the session of this working directory (default: the current one)",
    },
    ...MESH_OPTION,
  },
  async run(ctx) {
    const [wanted, ...extra] = ctx.positionals;
    if (extra.length > 0) throw usageError("give at most one status");
    if (wanted !== undefined && !STATUSES.includes(wanted as Status)) {
      throw usageError("the status must be idle, working or dnd");
    }
    const selector = stringOption(ctx, "mesh");
    const meshIds =
      selector === undefined ? ctx.home.memberships().map((m) => m.meshId) : [ctx.home.membership(selector).meshId];
    const sessions = ctx.home.sessions().filter((s) => meshIds.includes(s.meshId));

    if (wanted === undefined) {
      for (const s of sessions) {
        const line = [slugOf(ctx.home.memberships(), s.meshId), s.status ?? "unknown", s.cwd].map(terminalText);
        ctx.out.result(line.join(" "), {
          meshId: s.meshId,
          presenceId: s.presenceId,
          status: s.status ?? null,
          cwd: s.cwd,
        });
      }
      if (sessions.length === 0) ctx.out.info("no running `mesh listen` session in this home");
      return undefined;
    }

    const cwd = stringOption(ctx, "cwd") ?? process.cwd();
    const session = sessions.find((s) => s.cwd === cwd) ?? sessions[0];
    if (!session) {
      throw new CliError(
        "no_session",
        "no `mesh listen` session of this home is running; a status belongs to a live session",
      );
    }
    const requestedAt = new Date().toISOString();
    ctx.home.requestStatus(session.presenceId, { status: wanted as Status, requestedAt });
    const applied = await waitUntilApplied(ctx.home.sessions.bind(ctx.home), session.presenceId, requestedAt);
    if (!applied)
      throw new CliError("status_not_applied", `the session did not apply the status within ${APPLY_TIMEOUT_MS} ms`);
    ctx.out.result(`status ${applied.status ?? wanted}`, {
      ok: true,
      presenceId: applied.presenceId,
      status: applied.status,
    });
    return undefined;
  },
};

async function waitUntilApplied(
  sessions: () => SessionRecord[],
  presenceId: string,
  requestedAt: string,
): Promise<SessionRecord | undefined> {
  const deadline = Date.now() + APPLY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const record = sessions().find((s) => s.presenceId === presenceId);
    if (!record) return undefined;
    if (record.updatedAt > requestedAt) return record;
    await sleep(50);
  }
  return undefined;
}

function slugOf(memberships: { meshId: string; slug: string }[], meshId: string): string {
  return memberships.find((m) => m.meshId === meshId)?.slug ?? meshId;
}
