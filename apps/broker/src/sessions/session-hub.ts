import type { BrokerSocket, Session } from "./session.ts";

/**
 * Every socket this instance holds, and its authenticated sessions indexed
 * by presence and by member (a member may have several sessions).
 */
export class SessionHub {
  private readonly sockets = new Set<BrokerSocket>();
  private readonly byPresence = new Map<string, BrokerSocket>();
  private readonly byMember = new Map<string, Set<BrokerSocket>>();
  private sessionsChanged: (() => void) | undefined;

  /** Calls `listener` whenever a session is indexed or removed (the live view listens). */
  onSessionsChanged(listener: () => void): void {
    this.sessionsChanged = listener;
  }

  /** A socket opened (not yet authenticated). */
  add(ws: BrokerSocket): void {
    this.sockets.add(ws);
  }

  /** The socket's hello succeeded: index its session. */
  authenticated(ws: BrokerSocket, session: Session): void {
    this.byPresence.set(session.presenceId, ws);
    let set = this.byMember.get(session.memberId);
    if (!set) {
      set = new Set();
      this.byMember.set(session.memberId, set);
    }
    set.add(ws);
    this.sessionsChanged?.();
  }

  /** The socket closed. */
  remove(ws: BrokerSocket): void {
    this.sockets.delete(ws);
    const session = ws.data.session;
    if (!session) return;
    this.byPresence.delete(session.presenceId);
    const set = this.byMember.get(session.memberId);
    set?.delete(ws);
    if (set?.size === 0) this.byMember.delete(session.memberId);
    this.sessionsChanged?.();
  }

  /** The socket holding this presence here, if any. */
  byPresenceId(presenceId: string): BrokerSocket | undefined {
    return this.byPresence.get(presenceId);
  }

  /** This instance's sockets of one member. */
  sessionsOf(memberId: string): ReadonlySet<BrokerSocket> | undefined {
    return this.byMember.get(memberId);
  }

  /** This instance's open sessions of one member (authenticated, not closing). */
  openSessionsOf(memberId: string): Session[] {
    const sessions: Session[] = [];
    for (const ws of this.byMember.get(memberId) ?? []) {
      if (ws.data.phase === "open" && ws.data.session) sessions.push(ws.data.session);
    }
    return sessions;
  }

  /** Members with at least one session here. */
  members(): IterableIterator<string> {
    return this.byMember.keys();
  }

  /** Authenticated sockets. */
  authenticatedSockets(): IterableIterator<BrokerSocket> {
    return this.byPresence.values();
  }

  /** Closes every socket with `code` and `reason`. */
  closeAll(code: number, reason: string): void {
    for (const ws of this.sockets) ws.close(code, reason);
  }
}
