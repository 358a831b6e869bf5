import type { HookStatus } from "./hook-event.ts";
import type { HookTarget } from "./hook-targets.ts";

/** The body of `POST /hook/set-status` (docs/protocol.md#hook-endpoint). */
export interface HookStatusBody {
  cwd: string;
  pid: number | undefined;
  status: HookStatus;
  session_id: string | undefined;
}

/** How one report went, for the debug log. */
export interface HookPostOutcome {
  slug: string;
  scoped: boolean;
  /** HTTP status, or undefined when no answer came. */
  httpStatus: number | undefined;
  detail: string;
}

/** Longest part of an answer kept for the debug log. */
const MAX_DETAIL = 300;

/**
 * POSTs one status report, with the session's hook token when there is one.
 * Gives up after `timeoutMs`; never rejects.
 */
export async function postHookStatus(
  target: HookTarget,
  body: HookStatusBody,
  timeoutMs: number,
): Promise<HookPostOutcome> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.hookToken !== undefined) headers.authorization = `Bearer ${target.hookToken}`;
  const scoped = target.hookToken !== undefined;
  try {
    const res = await fetch(`${target.baseUrl}/hook/set-status`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { slug: target.slug, scoped, httpStatus: res.status, detail: text.slice(0, MAX_DETAIL) };
  } catch (e: unknown) {
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { slug: target.slug, scoped, httpStatus: undefined, detail };
  }
}
