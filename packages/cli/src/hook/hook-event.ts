import { z } from "zod";

/**
 * The fields of a Claude Code hook event we use; everything else is ignored.
 * A field of the wrong shape counts as absent rather than spoiling the event.
 */
const hookEventSchema = z.object({
  hook_event_name: z.string().min(1).max(100),
  cwd: z.string().min(1).max(4096).optional().catch(undefined),
  session_id: z.string().min(1).max(200).optional().catch(undefined),
});

/** A Claude Code hook event, reduced to what `mesh hook` needs. */
export type HookEvent = z.infer<typeof hookEventSchema>;

/** The status a hook reports; `dnd` is the agent's own and never a hook's. */
export type HookStatus = "idle" | "working";

const STATUS_BY_EVENT: Readonly<Record<string, HookStatus>> = {
  UserPromptSubmit: "working",
  PreToolUse: "working",
  Stop: "idle",
  SubagentStop: "idle",
};

/** The events `mesh hook --print-config` installs the hook for. */
export const HOOKED_EVENTS = Object.keys(STATUS_BY_EVENT);

/**
 * What an event says about the agent: a prompt or a tool call means it is
 * working; the end of a turn (its own or a subagent's) means idle.
 * Notification and every other event change nothing.
 */
export function statusForEvent(eventName: string): HookStatus | undefined {
  return Object.hasOwn(STATUS_BY_EVENT, eventName) ? STATUS_BY_EVENT[eventName] : undefined;
}

/** Parses stdin's text into an event; a reason instead when it is not one. */
export function parseHookEvent(text: string): { ok: true; event: HookEvent } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "stdin is not JSON" };
  }
  const parsed = hookEventSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: "stdin is no hook event (hook_event_name missing)" };
  return { ok: true, event: parsed.data };
}
