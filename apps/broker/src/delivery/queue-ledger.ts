import { BROADCAST_TARGET } from "@mesh/shared";
import { QueueTallies, Tally } from "./queue-tally.ts";

/** Which bound a refused send would pass: the mesh's cap, or a member's share as sender or as recipient. */
export type QueueLimit = "mesh" | "sender" | "recipient";

/** The bounds, in queue rows (a broadcast stores one row per recipient). */
export interface QueueCaps {
  /** `MESH_QUEUE_CAP`: undelivered rows one mesh may hold. */
  meshRows: number;
  /** `MEMBER_QUEUE_CAP`: undelivered rows one member may hold as recipient, and have outstanding as sender. */
  memberRows: number;
}

/** A send, as the queue bounds see it. */
export interface QueuedSend {
  meshId: string;
  senderMemberId: string;
  /** `*`, or a key: a member's or a session's. */
  targetSpec: string;
}

/** What an admitted send holds until its batch commits or fails. */
export interface Reservation {
  readonly meshId: string;
  readonly senderMemberId: string;
  readonly targetSpec: string;
  /** A direct send's recipient: its member id when known here, else the target itself; undefined for a broadcast. */
  readonly recipientKey: string | undefined;
  /** Rows reserved: 1 for a direct send, the expected fan-out of a broadcast. */
  readonly rows: number;
  /** Members a broadcast leaves out because they hold their share as recipients. */
  readonly skippedRecipientIds: readonly string[];
  /** A broadcast into a mesh whose size the last count did not give: `rows` is a guess. */
  readonly fanoutGuessed: boolean;
}

/** Whether a send fits, and what it holds if it does. */
export type Admission = { ok: true; reservation: Reservation } | { ok: false; limit: QueueLimit };

/** What Postgres holds undelivered and still counted (unexpired, for a reachable recipient), and who is in each mesh. */
export interface QueueCount {
  meshes: ReadonlyMap<string, number>;
  /** By recipient member id, with its mesh and key. */
  recipients: ReadonlyMap<string, { meshId: string; pubkey: string; rows: number }>;
  /** By sending member id. */
  senders: ReadonlyMap<string, number>;
  /** Non-revoked members per mesh. */
  members: ReadonlyMap<string, number>;
  /** Undelivered rows stored without an expiry (before `UNDELIVERED_MAX_AGE_HOURS`) that are past the max age. */
  overdueWithoutExpiry: number;
  /** The count's snapshot: which commits it saw (a commit's rows were counted, or already gone, iff it is visible there). */
  snapshot: QueueSnapshot;
}

/** A Postgres snapshot (`pg_current_snapshot()`): transactions below `xmin` are settled, from `xmax` on not yet begun, `inFlight` running. */
export interface QueueSnapshot {
  xmin: number;
  xmax: number;
  inFlight: ReadonlySet<number>;
}

/** Parses `pg_current_snapshot()::text` (`xmin:xmax:xip1,xip2,…`). */
export function parseSnapshot(text: string): QueueSnapshot {
  const [xmin = "", xmax = "", xip = ""] = text.split(":");
  return {
    xmin: Number(xmin),
    xmax: Number(xmax),
    inFlight: new Set(xip === "" ? [] : xip.split(",").map(Number)),
  };
}

/** Whether a committed transaction's effects are visible in a snapshot (Postgres's `pg_visible_in_snapshot`). */
export function visibleIn(snapshot: QueueSnapshot, xid: number): boolean {
  if (xid < snapshot.xmin) return true;
  if (xid >= snapshot.xmax) return false;
  return !snapshot.inFlight.has(xid);
}

/** What one commit here stored, until a count has seen it. */
interface Commit {
  meshId: string;
  senderMemberId: string;
  recipientMemberIds: readonly string[];
  /** The transaction that stored it (`pg_current_xact_id()`). */
  xid: number;
}

/** Targets remembered (key → member), at most; past it the memory starts again from the last count. */
const MAX_KNOWN_TARGETS = 100_000;

const targetKey = (meshId: string, target: string): string => `${meshId}\u0000${target}`;

/**
 * This instance's view of the queue, for the mesh cap and the member
 * shares: what Postgres counted at the last queue-depth sweep, plus what
 * this instance committed that the count had not seen (a count sees a
 * commit when its rows' ids are at or below the last id handed out when the
 * count ran), plus what it has admitted and not yet committed
 * (reservations). A send is admitted only if every bound still holds with
 * it counted; its reservation is released when its batch commits (the rows
 * then count as committed) or fails. Other instances' sends show up at the
 * next count, and delivered rows stop counting then.
 */
export class QueueLedger {
  readonly #caps: QueueCaps;
  /** What the last count found. */
  #counted = new QueueTallies();
  /** Committed here and not yet seen by a count, with their tallies. */
  #commits: Commit[] = [];
  #committedUncounted = new QueueTallies();
  /** Admitted, not yet committed; recipients by reservation key, direct sends only. */
  readonly #reserved = new QueueTallies();
  /** Broadcasts admitted, not yet committed, per mesh: one row each for every member. */
  readonly #broadcastsInFlight = new Tally();
  #members = new Map<string, number>();
  #meshOfRecipient = new Map<string, string>();
  #recipientsByMesh = new Map<string, Set<string>>();
  readonly #targets = new Map<string, string>();
  #overdueWithoutExpiry = 0;

  constructor(caps: QueueCaps) {
    this.#caps = caps;
  }

  get caps(): QueueCaps {
    return this.#caps;
  }

  /** Admits a send and reserves its rows, or says which bound it would pass. */
  admit(send: QueuedSend): Admission {
    const admission = this.#decide(send);
    if (admission.ok) this.#hold(admission.reservation, 1);
    return admission;
  }

  /**
   * Releases a reservation once its batch is done; `recipientMemberIds`,
   * when the send was stored, are the rows it committed.
   */
  settle(reservation: Reservation, recipientMemberIds?: readonly string[], xid = Number.MAX_SAFE_INTEGER): void {
    this.#hold(reservation, -1);
    if (recipientMemberIds === undefined || recipientMemberIds.length === 0) return;
    const { meshId, senderMemberId } = reservation;
    const commit: Commit = { meshId, senderMemberId, recipientMemberIds, xid };
    this.#commits.push(commit);
    addCommit(this.#committedUncounted, commit);
    for (const id of recipientMemberIds) this.#noteRecipient(id, meshId);
    if (reservation.recipientKey === undefined) {
      this.#members.set(meshId, recipientMemberIds.length + reservation.skippedRecipientIds.length + 1);
    } else if (recipientMemberIds.length === 1) {
      this.#rememberTarget(meshId, reservation.targetSpec, recipientMemberIds[0] as string);
    }
  }

  /**
   * What a batch may still add per mesh and per sender, from what is
   * committed (not reserved: the batch's own sends are the reservations
   * ahead of all others). The commit enforces these exactly, so a wrong
   * guess of a broadcast's fan-out never passes a bound.
   */
  budgets(meshId: string, senderMemberId: string): { mesh: number; sender: number } {
    return {
      mesh: this.#caps.meshRows - this.#committed("meshes", meshId),
      sender: this.#caps.memberRows - this.#committed("senders", senderMemberId),
    };
  }

  /**
   * Whether a batch (its sends' reservations) must be held to the budgets
   * exactly at its commit: when a broadcast's fan-out is a guess, or when its
   * rows come to half of what a mesh or a sender may still take. Below that
   * no bound can be passed, even by a mesh that gained members since the last
   * count (up to twice as many), and the commit need not count rows first.
   */
  nearBounds(batch: readonly Reservation[]): boolean {
    const meshes = new Tally();
    const senders = new Tally();
    for (const r of batch) {
      if (r.fanoutGuessed) return true;
      meshes.add(r.meshId, r.rows);
      senders.add(r.senderMemberId, r.rows);
    }
    for (const [meshId, rows] of meshes.entries()) {
      if (2 * rows >= this.#caps.meshRows - this.#committed("meshes", meshId)) return true;
    }
    for (const [senderId, rows] of senders.entries()) {
      if (2 * rows >= this.#caps.memberRows - this.#committed("senders", senderId)) return true;
    }
    return false;
  }

  /**
   * Replaces the counts with a fresh count; the commits it saw (by their row
   * ids) stop counting on their own. A commit whose ids were handed out
   * before the count ran but that committed after its snapshot is taken as
   * seen: undercounted until the next count, never counted twice (which
   * would refuse sends a mesh has room for).
   */
  refresh(count: QueueCount): void {
    const counted = new QueueTallies();
    for (const [id, n] of count.meshes) counted.meshes.add(id, n);
    for (const [id, n] of count.senders) counted.senders.add(id, n);
    const meshOf = new Map<string, string>();
    for (const [id, r] of count.recipients) {
      counted.recipients.add(id, r.rows);
      meshOf.set(id, r.meshId);
    }
    this.#commits = this.#commits.filter((c) => !visibleIn(count.snapshot, c.xid));
    this.#committedUncounted = new QueueTallies();
    for (const c of this.#commits) {
      addCommit(this.#committedUncounted, c);
      for (const id of c.recipientMemberIds) {
        const meshId = this.#meshOfRecipient.get(id);
        if (meshId !== undefined) meshOf.set(id, meshId);
      }
    }
    this.#counted = counted;
    this.#members = new Map(count.members);
    this.#meshOfRecipient = new Map();
    this.#recipientsByMesh = new Map();
    for (const [id, meshId] of meshOf) this.#noteRecipient(id, meshId);
    if (this.#targets.size > MAX_KNOWN_TARGETS) this.#targets.clear();
    for (const [id, r] of count.recipients) this.#rememberTarget(r.meshId, r.pubkey, id);
    this.#overdueWithoutExpiry = count.overdueWithoutExpiry;
  }

  /**
   * Rows a session here took: they stop counting at once, so a member that
   * reads as fast as it is sent to never meets its share. Taken from the
   * last count (or, for rows it has not seen yet, from this instance's
   * commits), never below zero; the next count is exact again. A push that
   * a client never acknowledges comes back at the next count.
   */
  pushed(rows: readonly { meshId: string; senderMemberId: string; recipientMemberId: string }[]): void {
    for (const r of rows) {
      this.#forget("meshes", r.meshId);
      this.#forget("senders", r.senderMemberId);
      this.#forget("recipients", r.recipientMemberId);
    }
  }

  #forget(kind: "meshes" | "senders" | "recipients", key: string): void {
    if (this.#counted[kind].get(key) > 0) this.#counted[kind].add(key, -1);
    else if (this.#committedUncounted[kind].get(key) > 0) this.#committedUncounted[kind].add(key, -1);
  }

  /** Rows without an expiry past the max age at the last count: the retention sweep retires them. */
  get overdueWithoutExpiry(): number {
    return this.#overdueWithoutExpiry;
  }

  #decide(send: QueuedSend): Admission {
    const { meshId, senderMemberId, targetSpec } = send;
    const share = this.#caps.memberRows;
    let rows = 1;
    let recipientKey: string | undefined;
    let fanoutGuessed = false;
    const skipped: string[] = [];
    if (targetSpec === BROADCAST_TARGET) {
      const inFlight = this.#broadcastsInFlight.get(meshId);
      for (const id of this.#recipientsByMesh.get(meshId) ?? []) {
        if (id !== senderMemberId && this.#recipientLoad(id) + inFlight >= share) skipped.push(id);
      }
      const members = this.#members.get(meshId);
      if (members !== undefined) {
        const others = Math.max(0, members - 1);
        rows = Math.max(0, others - skipped.length);
        if (rows === 0 && others > 0) return { ok: false, limit: "recipient" };
      } else {
        // A mesh newer than the last count: one row guessed; the commit holds the bounds exactly.
        fanoutGuessed = true;
      }
    } else {
      const key = targetKey(meshId, targetSpec);
      recipientKey = this.#targets.get(key) ?? key;
    }
    if (this.#load("meshes", meshId) + rows > this.#caps.meshRows) return { ok: false, limit: "mesh" };
    if (this.#load("senders", senderMemberId) + rows > share) return { ok: false, limit: "sender" };
    if (
      recipientKey !== undefined &&
      this.#recipientLoad(recipientKey) + this.#broadcastsInFlight.get(meshId) >= share
    ) {
      return { ok: false, limit: "recipient" };
    }
    return {
      ok: true,
      reservation: {
        meshId,
        senderMemberId,
        targetSpec,
        recipientKey,
        rows,
        skippedRecipientIds: skipped,
        fanoutGuessed,
      },
    };
  }

  #hold(r: Reservation, sign: 1 | -1): void {
    this.#reserved.meshes.add(r.meshId, sign * r.rows);
    this.#reserved.senders.add(r.senderMemberId, sign * r.rows);
    if (r.recipientKey === undefined) this.#broadcastsInFlight.add(r.meshId, sign);
    else this.#reserved.recipients.add(r.recipientKey, sign);
  }

  #committed(kind: "meshes" | "senders" | "recipients", key: string): number {
    return this.#counted[kind].get(key) + this.#committedUncounted[kind].get(key);
  }

  #load(kind: "meshes" | "senders", key: string): number {
    return this.#committed(kind, key) + this.#reserved[kind].get(key);
  }

  /** A recipient's committed and reserved direct rows (broadcasts in flight are added by the caller). */
  #recipientLoad(key: string): number {
    return this.#committed("recipients", key) + this.#reserved.recipients.get(key);
  }

  #noteRecipient(memberId: string, meshId: string): void {
    if (this.#meshOfRecipient.has(memberId)) return;
    this.#meshOfRecipient.set(memberId, meshId);
    const members = this.#recipientsByMesh.get(meshId);
    if (members) members.add(memberId);
    else this.#recipientsByMesh.set(meshId, new Set([memberId]));
  }

  #rememberTarget(meshId: string, target: string, memberId: string): void {
    this.#targets.set(targetKey(meshId, target), memberId);
  }
}

function addCommit(tallies: QueueTallies, c: Commit): void {
  tallies.meshes.add(c.meshId, c.recipientMemberIds.length);
  tallies.senders.add(c.senderMemberId, c.recipientMemberIds.length);
  for (const id of c.recipientMemberIds) tallies.recipients.add(id, 1);
}
