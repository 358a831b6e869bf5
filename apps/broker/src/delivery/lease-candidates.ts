import { BROADCAST_TARGET, type Priority } from "@mesh/shared";
import type { BrokerSocket, Session } from "../sessions/session.ts";
import type { SessionHub } from "../sessions/session-hub.ts";
import { deliverablePriorities } from "../status/status-model.ts";
import { drainTargetFor } from "./push-claimed.ts";

/** A session here that a send's row for `memberId` may be stored already leased to, and what it takes now. */
export interface LeaseCandidate {
  memberId: string;
  presenceId: string;
  priorities: readonly Priority[];
}

/** What a send names: its mesh, its sender, its target (`*` or a key) and the members a broadcast leaves out. */
export interface SendAddress {
  meshId: string;
  senderMemberId: string;
  targetSpec: string;
  skipRecipientIds: readonly string[];
}

const openSession = (ws: BrokerSocket): Session | undefined => (ws.data.phase === "open" ? ws.data.session : undefined);

function addSession(byMember: Map<string, Session[]>, s: Session): void {
  const list = byMember.get(s.memberId);
  if (list) list.push(s);
  else byMember.set(s.memberId, [s]);
}

/**
 * The sessions on this instance a send's rows may be leased to as they are
 * stored, by this instance's view of their status (as a drain would claim
 * them): per recipient member the session a drain would lease to (the one
 * taking the most), or, for a send to a session key, that session alone.
 */
export function leaseCandidates(hub: SessionHub, send: SendAddress): LeaseCandidate[] {
  const byMember = new Map<string, Session[]>();
  if (send.targetSpec === BROADCAST_TARGET) {
    const skipped = new Set(send.skipRecipientIds);
    for (const ws of hub.sessionsInMesh(send.meshId) ?? []) {
      const s = openSession(ws);
      if (!s || s.memberId === send.senderMemberId || skipped.has(s.memberId)) continue;
      addSession(byMember, s);
    }
  } else {
    for (const ws of hub.sessionsByKey(send.meshId, send.targetSpec) ?? []) {
      const s = openSession(ws);
      if (!s) continue;
      // A session key: that session only.
      if (s.pubkey !== send.targetSpec) {
        return [{ memberId: s.memberId, presenceId: s.presenceId, priorities: deliverablePriorities(s.status.status) }];
      }
      addSession(byMember, s);
    }
  }
  const candidates: LeaseCandidate[] = [];
  for (const [memberId, sessions] of byMember) {
    const target = drainTargetFor(memberId, sessions);
    if (target) candidates.push({ memberId, presenceId: target.leasePresenceId, priorities: target.priorities });
  }
  return candidates;
}
