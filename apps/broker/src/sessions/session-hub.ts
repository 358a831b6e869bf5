import type { BrokerSocket, Session } from "./session.ts";

/** Adds `ws` to the set under `key`. */
function addTo(map: Map<string, Set<BrokerSocket>>, key: string, ws: BrokerSocket): void {
  const set = map.get(key);
  if (set) set.add(ws);
  else map.set(key, new Set([ws]));
}

/** Removes `ws` from the set under `key`, and the set once empty. */
function removeFrom(map: Map<string, Set<BrokerSocket>>, key: string, ws: BrokerSocket): void {
  const set = map.get(key);
  set?.delete(ws);
  if (set?.size === 0) map.delete(key);
}

const keyOf = (meshId: string, pubkey: string) => `${meshId}\u0000${pubkey}`;

/**
 * Every socket this instance holds, and its authenticated sessions indexed
 * by presence, by member (a member may have several sessions), by mesh, and
 * by the keys a send may name (the member's and the session's own).
 */
export class SessionHub {
  private readonly sockets = new Set<BrokerSocket>();
  private readonly byPresence = new Map<string, BrokerSocket>();
  private readonly byMember = new Map<string, Set<BrokerSocket>>();
  private readonly byMesh = new Map<string, Set<BrokerSocket>>();
  private readonly byKey = new Map<string, Set<BrokerSocket>>();
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
    addTo(this.byMember, session.memberId, ws);
    addTo(this.byMesh, session.meshId, ws);
    addTo(this.byKey, keyOf(session.meshId, session.pubkey), ws);
    if (session.sessionPubkey !== null) addTo(this.byKey, keyOf(session.meshId, session.sessionPubkey), ws);
    this.sessionsChanged?.();
  }

  /** The socket closed. */
  remove(ws: BrokerSocket): void {
    this.sockets.delete(ws);
    const session = ws.data.session;
    if (!session) return;
    this.byPresence.delete(session.presenceId);
    removeFrom(this.byMember, session.memberId, ws);
    removeFrom(this.byMesh, session.meshId, ws);
    removeFrom(this.byKey, keyOf(session.meshId, session.pubkey), ws);
    if (session.sessionPubkey !== null) removeFrom(this.byKey, keyOf(session.meshId, session.sessionPubkey), ws);
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

  /** This instance's sockets of one mesh. */
  sessionsInMesh(meshId: string): ReadonlySet<BrokerSocket> | undefined {
    return this.byMesh.get(meshId);
  }

  /** This instance's sockets whose member key or session key in `meshId` is `pubkey`. */
  sessionsByKey(meshId: string, pubkey: string): ReadonlySet<BrokerSocket> | undefined {
    return this.byKey.get(keyOf(meshId, pubkey));
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
