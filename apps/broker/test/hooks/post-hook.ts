import type { BrokerProcess } from "../helpers/broker-process.ts";

/** A hook's answer: the HTTP status, the parsed JSON body, the headers. */
export interface HookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * POSTs `body` (JSON-encoded unless a string) to `/hook/set-status` as a hook
 * script does: `Content-Type: application/json`, no `Origin`, a bearer token
 * when given. `headers` overrides or adds headers (a null value leaves the
 * header out).
 */
export async function postHook(
  target: BrokerProcess,
  body: unknown,
  options: { token?: string; authorization?: string; headers?: Record<string, string | null> } = {},
): Promise<HookAnswer> {
  const headers = new Headers({ "content-type": "application/json" });
  if (options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`);
  if (options.authorization !== undefined) headers.set("authorization", options.authorization);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(`${target.baseUrl}/hook/set-status`, {
    method: "POST",
    headers,
    // Bytes, so that fetch adds no Content-Type of its own when the test left it out.
    body: new TextEncoder().encode(text),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
