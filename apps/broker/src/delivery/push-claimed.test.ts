import { describe, expect, test } from "bun:test";
import type { Priority, Status } from "@mesh/shared";
import type { ClaimedEnvelope } from "./claim-deliverable.ts";
import { drainTargetFor, type PushTarget, pushClaimed } from "./push-claimed.ts";
import type { PushSocket, SendOutcome } from "./push-socket.ts";

/** A socket that records what it was sent, in how many corked writes, and can fill up or be gone. */
class RecordingSocket implements PushSocket {
  readonly writes: string[][] = [];
  private current: string[] | undefined;
  buffered = 0;
  constructor(private readonly options: { bytesPerFrame?: number; outcome?: SendOutcome } = {}) {}
  corked = (write: () => void): void => {
    this.current = [];
    write();
    if (this.current.length > 0) this.writes.push(this.current);
    this.current = undefined;
  };
  bufferedBytes = (): number => this.buffered;
  send = (text: string): SendOutcome => {
    const outcome = this.options.outcome ?? "written";
    if (outcome === "dropped") return outcome;
    if (!this.current) throw new Error("send outside corked()");
    this.current.push((JSON.parse(text) as { brokerMessageId: string }).brokerMessageId);
    this.buffered += this.options.bytesPerFrame ?? 0;
    return outcome;
  };
  /** Every row id this socket was sent. */
  get sent(): string[] {
    return this.writes.flat();
  }
}

function session(presenceId: string, status: Status, socket: PushSocket, features: string[] = []): PushTarget {
  return { presenceId, status: { status }, features: new Set(features), socket };
}

let nextId = 1;
function row(recipientMemberId: string, priority: Priority, targetPresenceId: string | null = null): ClaimedEnvelope {
  const id = String(nextId++);
  return {
    id,
    messageId: `m${id}`,
    meshId: "mesh",
    recipientMemberId,
    senderPubkey: "a".repeat(64),
    senderMemberPubkey: "a".repeat(64),
    senderMemberId: "sender",
    priority,
    nonce: "AAAA",
    ciphertext: "AAAA",
    createdAt: new Date(0),
    pushes: 1,
    waitedSeconds: 0,
    targetPresenceId,
  };
}

const UNLIMITED = Number.MAX_SAFE_INTEGER;

describe("pushClaimed", () => {
  test("an idle legacy session takes every row in one corked write; all count as delivered", () => {
    const socket = new RecordingSocket();
    const rows = [row("bob", "now"), row("bob", "next"), row("bob", "low")];
    const out = pushClaimed(rows, () => [session("p1", "idle", socket)], UNLIMITED);
    expect(socket.writes).toEqual([rows.map((r) => r.id)]);
    expect(out).toEqual({ delivered: rows.map((r) => r.id), released: [], backedUp: new Set() });
  });

  test("a working or dnd session takes only now; the held rows are released", () => {
    for (const status of ["working", "dnd"] as const) {
      const socket = new RecordingSocket();
      const [now, next, low] = [row("bob", "now"), row("bob", "next"), row("bob", "low")];
      const out = pushClaimed(
        [now, next, low].map((r) => r as ClaimedEnvelope),
        () => [session("p1", status, socket)],
        UNLIMITED,
      );
      expect(socket.sent).toEqual([now?.id]);
      expect(out.delivered).toEqual([now?.id]);
      expect(out.released).toEqual([next?.id, low?.id]);
    }
  });

  test("rows only ack sessions took stay leased: neither delivered nor released", () => {
    const socket = new RecordingSocket();
    const rows = [row("bob", "now"), row("bob", "next")];
    const out = pushClaimed(rows, () => [session("p1", "idle", socket, ["ack"])], UNLIMITED);
    expect(socket.sent).toEqual(rows.map((r) => r.id));
    expect(out).toEqual({ delivered: [], released: [], backedUp: new Set() });
  });

  test("every session of the recipient gets each row its own status allows", () => {
    const idle = new RecordingSocket();
    const busy = new RecordingSocket();
    const [now, next] = [row("bob", "now"), row("bob", "next")] as [ClaimedEnvelope, ClaimedEnvelope];
    const out = pushClaimed(
      [now, next],
      () => [session("p1", "idle", idle, ["ack"]), session("p2", "working", busy)],
      UNLIMITED,
    );
    expect(idle.sent).toEqual([now.id, next.id]);
    expect(busy.sent).toEqual([now.id]);
    // The legacy session took `now`: delivered. `next` went only to the acking one: still leased.
    expect(out.delivered).toEqual([now.id]);
    expect(out.released).toEqual([]);
  });

  test("rows go to their own recipient only", () => {
    const bob = new RecordingSocket();
    const carol = new RecordingSocket();
    const rows = [row("bob", "now"), row("carol", "now"), row("bob", "low")] as const;
    const sockets: Record<string, PushTarget[]> = {
      bob: [session("pb", "idle", bob)],
      carol: [session("pc", "idle", carol)],
    };
    pushClaimed(rows, (m) => sockets[m] ?? [], UNLIMITED);
    expect(bob.sent).toEqual([rows[0].id, rows[2].id]);
    expect(carol.sent).toEqual([rows[1].id]);
  });

  test("a session at the backpressure limit gets nothing more; the rest is released and its member backed up", () => {
    const socket = new RecordingSocket({ bytesPerFrame: 100, outcome: "buffered" });
    const rows = [row("bob", "now"), row("bob", "now"), row("bob", "now"), row("bob", "now")] as const;
    const out = pushClaimed(rows, () => [session("p1", "idle", socket)], 200);
    expect(socket.sent).toEqual([rows[0].id, rows[1].id]);
    expect(out.delivered).toEqual([rows[0].id, rows[1].id]);
    expect(out.released).toEqual([rows[2].id, rows[3].id]);
    expect(out.backedUp).toEqual(new Set(["bob"]));
  });

  test("a frame the socket dropped (it is closing) is released, not delivered", () => {
    const socket = new RecordingSocket({ outcome: "dropped" });
    const rows = [row("bob", "now")];
    const out = pushClaimed(rows, () => [session("p1", "idle", socket)], UNLIMITED);
    expect(out).toEqual({ delivered: [], released: [rows[0]?.id as string], backedUp: new Set() });
  });

  test("a row addressed to one session goes to it alone while it is here; to any session once it is not", () => {
    const first = new RecordingSocket();
    const second = new RecordingSocket();
    const sessions = [session("p1", "idle", first), session("p2", "idle", second)];
    const [toP2, toGone, toAny] = [row("bob", "now", "p2"), row("bob", "now", "p-gone"), row("bob", "now")] as const;
    const out = pushClaimed([toP2, toGone, toAny], () => sessions, UNLIMITED);
    expect(first.sent).toEqual([toGone.id, toAny.id]);
    expect(second.sent).toEqual([toP2.id, toGone.id, toAny.id]);
    expect(out.delivered).toEqual([toP2.id, toGone.id, toAny.id]);
  });

  test("a recipient without a live session here: everything is released", () => {
    const rows = [row("gone", "now"), row("gone", "low")];
    expect(pushClaimed(rows, () => [], UNLIMITED).released).toEqual(rows.map((r) => r.id));
  });
});

describe("drainTargetFor", () => {
  const socket = new RecordingSocket();
  test("no live session: no target", () => {
    expect(drainTargetFor("bob", [])).toBeUndefined();
  });

  test("the union of what the sessions may take, leased to a session that takes the most", () => {
    expect(drainTargetFor("bob", [session("p1", "working", socket), session("p2", "idle", socket)])).toEqual({
      memberId: "bob",
      priorities: ["now", "next", "low"],
      leasePresenceId: "p2",
      sessions: [
        { presenceId: "p1", priorities: ["now"] },
        { presenceId: "p2", priorities: ["now", "next", "low"] },
      ],
    });
    expect(drainTargetFor("bob", [session("p1", "dnd", socket), session("p2", "working", socket)])).toMatchObject({
      memberId: "bob",
      priorities: ["now"],
      leasePresenceId: "p1",
    });
  });
});
