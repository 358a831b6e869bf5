/** An HTTP answer as an attack reads it. */
export interface HttpAnswer {
  status: number;
  text: string;
  /** The `error` code of a JSON error body, if there is one. */
  code: string | undefined;
}

/** POSTs `body` (JSON-encoded unless a string) with `headers` (Content-Type JSON unless given); status 0 when it failed. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let code: string | undefined;
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      code = typeof parsed.error === "string" ? parsed.error : undefined;
    } catch {
      code = undefined;
    }
    return { status: res.status, text, code };
  } catch (e: unknown) {
    return { status: 0, text: e instanceof Error ? e.message : String(e), code: undefined };
  }
}

/** `201 bad_request`-style summary of an answer. */
export const describeAnswer = (a: HttpAnswer): string => `${a.status}${a.code ? ` ${a.code}` : ""}`;
