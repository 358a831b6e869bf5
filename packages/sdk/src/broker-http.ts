import { MeshError } from "./mesh-error.ts";

const HTTP_SCHEME: Record<string, string> = { "ws:": "http:", "wss:": "https:", "http:": "http:", "https:": "https:" };

/**
 * The HTTP base of the broker behind a WebSocket URL: same host and port,
 * `ws` → `http`, `wss` → `https`, and the trailing `/ws` dropped (a broker
 * mounted under a path prefix keeps the prefix). No trailing slash, so
 * `${base}/join` is the join route. Throws `bad_broker_url` otherwise.
 */
export function httpBaseUrl(brokerUrl: string): string {
  let url: URL;
  try {
    url = new URL(brokerUrl.trim());
  } catch {
    throw new MeshError("bad_broker_url", `"${brokerUrl}" is not a URL`);
  }
  const scheme = HTTP_SCHEME[url.protocol];
  if (!scheme) throw new MeshError("bad_broker_url", `"${brokerUrl}" is not a ws://, wss://, http:// or https:// URL`);
  if (url.username || url.password) throw new MeshError("bad_broker_url", "a broker URL carries no credentials");
  const prefix = url.pathname.replace(/\/+$/, "").replace(/\/ws$/, "");
  const host = url.host;
  return `${scheme}//${host}${prefix}`;
}
