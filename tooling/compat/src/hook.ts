import { brokerOriginUrl } from "./broker-origin.ts";

/** What `claudemesh hook idle|working` posts: Claude Code's cwd and session id, and its own parent's pid. */
export interface HookReport {
  cwd: string;
  pid: number;
  status: "idle" | "working" | "dnd";
  session_id: string;
}

/**
 * `POST /hook/set-status` at the root of the broker's origin, as the
 * claudemesh hook posts it: JSON, and never an `Authorization` header.
 * Resolves with the HTTP status and the parsed body (claudemesh itself
 * ignores both).
 */
export async function postHookStatus(
  brokerUrl: string,
  report: HookReport,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(brokerOriginUrl(brokerUrl, "/hook/set-status"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(report),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
