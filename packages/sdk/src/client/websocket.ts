/** The part of the WHATWG WebSocket the client uses; Bun, Node ≥ 22 and the `ws` package all provide it. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to a URL. */
export type SocketFactory = (url: string) => SocketLike;

/** `readyState` of an open socket. */
export const SOCKET_OPEN = 1;

/**
 * The runtime's own WebSocket (Bun, Node ≥ 22), else the `ws` package
 * (Node 20, which has none).
 */
export async function defaultSocketFactory(): Promise<SocketFactory> {
  const native = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (native) return (url) => new native(url);
  const { WebSocket: WsSocket } = await import("ws");
  return (url) => new WsSocket(url) as unknown as SocketLike;
}
