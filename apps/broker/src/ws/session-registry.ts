import type { ServerWebSocket } from "bun";
import type { SocketData } from "../http/router.ts";

/** Every open socket on this instance, so shutdown can close them all. */
export class SessionRegistry {
  private readonly sockets = new Set<ServerWebSocket<SocketData>>();

  add(ws: ServerWebSocket<SocketData>): void {
    this.sockets.add(ws);
  }

  remove(ws: ServerWebSocket<SocketData>): void {
    this.sockets.delete(ws);
  }

  /** Closes every socket with `code` and `reason`. */
  closeAll(code: number, reason: string): void {
    for (const ws of this.sockets) ws.close(code, reason);
    this.sockets.clear();
  }
}
