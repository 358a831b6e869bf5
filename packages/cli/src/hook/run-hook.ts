import type { MeshHome } from "@mesh/sdk";
import { parseHookEvent, statusForEvent } from "./hook-event.ts";
import { hookTargets } from "./hook-targets.ts";
import { postHookStatus } from "./post-hook-status.ts";
import { readBounded } from "./read-bounded.ts";

/** Bounds that keep a hook from ever holding up the agent. */
export const HOOK_LIMITS = {
  /** A hook event is a few kilobytes; anything this large is not one. */
  maxStdinBytes: 1024 * 1024,
  /** Claude Code writes the event and closes stdin at once. */
  stdinTimeoutMs: 500,
  /** Per POST; all brokers are asked in parallel. */
  postTimeoutMs: 1000,
} as const;

/** What one `mesh hook` run works with; the CLI passes the real process's. */
export interface HookRun {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  home: MeshHome;
  /** Only this mesh (slug or id), else every joined one. */
  mesh: string | undefined;
  /** Used when the event carries no cwd. */
  cwd: string;
  /** The agent's process (the hook's parent). */
  pid: number;
  /** Diagnostics (stderr under `MESH_HOOK_DEBUG=1`); never stdout, which Claude Code may show the model. */
  debug: (line: string) => void;
}

/**
 * Reads one Claude Code hook event and reports the status it implies to
 * every broker this home has joined. Never throws and never waits longer
 * than the stdin and POST bounds: a hook must not block or fail the agent.
 */
export async function runHook(run: HookRun): Promise<void> {
  try {
    await reportStatus(run);
  } catch (e: unknown) {
    run.debug(`mesh hook: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function reportStatus(run: HookRun): Promise<void> {
  const { debug } = run;
  if (run.stdin.isTTY) return debug("mesh hook: stdin is a terminal, not a hook event; nothing to do");
  const read = await readBounded(run.stdin, {
    maxBytes: HOOK_LIMITS.maxStdinBytes,
    timeoutMs: HOOK_LIMITS.stdinTimeoutMs,
  });
  if (read.kind !== "ok") return debug(`mesh hook: stdin ${read.kind === "error" ? read.message : read.kind}`);
  const parsed = parseHookEvent(read.text);
  if (!parsed.ok) return debug(`mesh hook: ${parsed.reason}`);
  const { event } = parsed;
  const status = statusForEvent(event.hook_event_name);
  if (status === undefined) return debug(`mesh hook: ${event.hook_event_name} changes no status`);

  const cwd = event.cwd ?? run.cwd;
  const { targets, skipped } = hookTargets({
    memberships: run.home.memberships(),
    sessions: readSessions(run),
    cwd,
    mesh: run.mesh,
  });
  for (const slug of skipped) debug(`mesh hook: ${slug}: unusable broker URL, skipped`);
  if (targets.length === 0)
    return debug(`mesh hook: no joined mesh${run.mesh ? ` "${run.mesh}"` : ""} in ${run.home.dir}`);

  const pid = Number.isInteger(run.pid) && run.pid > 0 && run.pid < 2 ** 31 ? run.pid : undefined;
  const body = { cwd, pid, status, session_id: event.session_id };
  const outcomes = await Promise.all(targets.map((t) => postHookStatus(t, body, HOOK_LIMITS.postTimeoutMs)));
  for (const o of outcomes) {
    debug(
      `mesh hook: ${o.slug}: ${status}${o.scoped ? " (session token)" : ""} → ${o.httpStatus ?? "no answer"} ${o.detail}`,
    );
  }
}

/** Session records only add a token: a broken sessions file must not stop the report. */
function readSessions(run: HookRun) {
  try {
    return run.home.sessions();
  } catch (e: unknown) {
    run.debug(
      `mesh hook: session records unreadable, reporting without a token: ${e instanceof Error ? e.message : e}`,
    );
    return [];
  }
}
