import type { Status } from "@mesh/shared";
import { deliverablePriorities, mayDeliver } from "../status/status-model.ts";
import type { ClaimedEnvelope, DrainTarget } from "./claim-deliverable.ts";
import { encodePush } from "./push-frame.ts";
import type { PushSocket } from "./push-socket.ts";

/** A live session as the push loop sees it (the broker's `Session` is one). */
export interface PushTarget {
  readonly presenceId: string;
  readonly status: { readonly status: Status };
  /** Features the session announced; `ack` means it confirms each push with `client_ack`. */
  readonly features: ReadonlySet<string>;
  readonly socket: PushSocket;
}

/** What one push round did with the claimed rows. */
export interface PushOutcome {
  /** Rows a session without the `ack` feature took: delivered on hand-off. */
  delivered: string[];
  /** Rows no session took: their lease ends now, for a later drain. */
  released: string[];
  /** Members with a session past the backpressure limit: not drained again until it drains. */
  backedUp: Set<string>;
}

/**
 * What a member's live sessions may take now, and which session holds the
 * lease on what is claimed for it (one that takes the most, so an idle
 * session's lease covers the `next` and `low` rows). Undefined without a
 * live session.
 */
export function drainTargetFor(memberId: string, sessions: Iterable<PushTarget>): DrainTarget | undefined {
  const each = [...sessions].map((s) => ({
    presenceId: s.presenceId,
    priorities: deliverablePriorities(s.status.status),
  }));
  let best: (typeof each)[number] | undefined;
  for (const s of each) if (!best || s.priorities.length > best.priorities.length) best = s;
  return best && { memberId, priorities: best.priorities, leasePresenceId: best.presenceId, sessions: each };
}

/**
 * Pushes claimed rows to every live session of their recipient whose status
 * allows the row's priority (a row addressed to one session that is here:
 * to that session only), one corked write per session. A session whose
 * unsent bytes reach `backpressureLimitBytes` gets nothing more this round.
 * A row a legacy session took counts as delivered; a row only `ack` sessions
 * took stays leased until their `client_ack`; the rest are released.
 */
export function pushClaimed(
  rows: readonly ClaimedEnvelope[],
  sessionsOf: (memberId: string) => Iterable<PushTarget>,
  backpressureLimitBytes: number,
): PushOutcome {
  const byRecipient = new Map<string, ClaimedEnvelope[]>();
  for (const row of rows) {
    const group = byRecipient.get(row.recipientMemberId);
    if (group) group.push(row);
    else byRecipient.set(row.recipientMemberId, [row]);
  }
  const handedToLegacy = new Set<string>();
  const handedToAcking = new Set<string>();
  const backedUp = new Set<string>();
  for (const [memberId, group] of byRecipient) {
    const frames = group.map(encodePush);
    const sessions = [...sessionsOf(memberId)];
    const here = new Set(sessions.map((s) => s.presenceId));
    for (const session of sessions) {
      const taken = session.features.has("ack") ? handedToAcking : handedToLegacy;
      const { socket } = session;
      socket.corked(() => {
        for (const [i, row] of group.entries()) {
          // A row addressed to one session here goes to it alone; once that session is gone, to any.
          if (
            row.targetPresenceId !== null &&
            here.has(row.targetPresenceId) &&
            row.targetPresenceId !== session.presenceId
          )
            continue;
          if (!mayDeliver(session.status.status, row.priority)) continue;
          if (socket.bufferedBytes() >= backpressureLimitBytes) {
            backedUp.add(memberId);
            return;
          }
          if (socket.send(frames[i] as string) !== "dropped") taken.add(row.id);
        }
      });
    }
  }
  const delivered: string[] = [];
  const released: string[] = [];
  for (const row of rows) {
    if (handedToLegacy.has(row.id)) delivered.push(row.id);
    else if (!handedToAcking.has(row.id)) released.push(row.id);
  }
  return { delivered, released, backedUp };
}
