/**
 * Where claudemesh clients send their HTTP requests: the origin of the
 * invite's `broker_url` with the scheme swapped (`wss:` → `https:`,
 * anything else → `http:`) and the path dropped, so `/join` and
 * `/hook/set-status` are always at the root of the host.
 */
export function brokerOriginUrl(brokerUrl: string, path: `/${string}`): string {
  const url = new URL(brokerUrl);
  const scheme = url.protocol === "wss:" ? "https:" : "http:";
  return `${scheme}//${url.host}${path}`;
}
