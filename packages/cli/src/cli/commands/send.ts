import { BROADCAST_TARGET, PRIORITIES, type Priority } from "@mesh/shared";
import { usageError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { MESH_OPTION, openClient } from "../open-client.ts";
import { resolveTarget } from "../resolve-target.ts";
import { noticePrinter } from "../session-notice.ts";
import { terminalText } from "../terminal-text.ts";

export const sendCommand: Command = {
  name: "send",
  summary: "Encrypt and send a message; exits 0 once the broker has stored it",
  positionals: "<text…>",
  options: {
    to: {
      type: "string",
      value: "PUBKEY|NAME|*",
      description: "a member's pubkey, the name of a member with a live session (any case), or * for everyone else",
    },
    priority: {
      type: "string",
      value: "now|next|low",
      description: "now: even while busy; next (default): when idle; low",
    },
    id: { type: "string", value: "ID", description: "correlation id; re-running with the same id never sends twice" },
    ttl: {
      type: "string",
      value: "SECONDS",
      description: "drop the message if not delivered within this many seconds",
    },
    ...MESH_OPTION,
  },
  async run(ctx) {
    const to = stringOption(ctx, "to");
    if (!to) throw usageError("--to is required");
    const text = ctx.positionals.join(" ");
    if (text.length === 0) throw usageError("give the message text");
    const priority = (stringOption(ctx, "priority") ?? "next") as Priority;
    if (!PRIORITIES.includes(priority)) throw usageError("--priority must be now, next or low");
    const ttlText = stringOption(ctx, "ttl");
    const ttlSeconds = ttlText === undefined ? undefined : Number(ttlText);
    if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)) {
      throw usageError("--ttl must be a positive whole number of seconds");
    }
    const id = stringOption(ctx, "id");

    const { client } = await openClient(ctx, { sendTimeoutMs: 30_000 });
    try {
      const target = await resolveTarget(to, () => client.listPeers());
      // A broadcast is what the notice is about (a claudemesh mesh does not encrypt them): say it before it goes.
      if (target === BROADCAST_TARGET && client.session) noticePrinter(ctx.out)(client.session);
      const result = await client.send(target, text, {
        priority,
        ...(id !== undefined ? { id } : {}),
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
      });
      ctx.out.result(
        `${result.duplicate ? "already sent" : "sent"} ${terminalText(result.messageId)} to ${result.recipients} recipient${result.recipients === 1 ? "" : "s"}`,
        { ok: true, ...result },
      );
    } finally {
      await client.close();
    }
    return undefined;
  },
};
