import type { HttpObservation } from "./classify.ts";

/**
 * Parses a raw HTTP/1.1 response (Content-Length or chunked body); undefined
 * while the head or the body is still incomplete.
 */
export function parseRawResponse(raw: string, method: string): HttpObservation | undefined {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const [statusLine = "", ...headerLines] = raw.slice(0, headEnd).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  if (!Number.isFinite(status)) return undefined;
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rest = raw.slice(headEnd + 4);
  const contentType = headers.get("content-type") ?? "";
  if (method === "HEAD") return { method, status, contentType, body: "" };
  if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
    let body = "";
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n", at);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(rest.slice(at, lineEnd), 16);
      if (!Number.isFinite(size)) return undefined;
      if (size === 0) return { method, status, contentType, body };
      if (rest.length < lineEnd + 2 + size) return undefined;
      body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = Number(headers.get("content-length") ?? 0);
  if (Buffer.byteLength(rest) < length) return undefined;
  return { method, status, contentType, body: rest };
}
