import { describe, expect, test } from "bun:test";
import {
  type Admission,
  parseSnapshot,
  type QueueCount,
  QueueLedger,
  type Reservation,
  visibleIn,
} from "./queue-ledger.ts";

const count = (over: Partial<QueueCount> = {}): QueueCount => ({
  meshes: new Map(),
  recipients: new Map(),
  senders: new Map(),
  members: new Map(),
  overdueWithoutExpiry: 0,
  snapshot: parseSnapshot("1:1:"),
  ...over,
});

const reserved = (a: Admission): Reservation => {
  if (!a.ok) throw new Error(`refused: ${a.limit}`);
  return a.reservation;
};

describe("QueueLedger", () => {
  test("sends in flight count against the mesh cap until their batch commits or fails", () => {
    const ledger = new QueueLedger({ meshRows: 3, memberRows: 100 });
    const sends = ["a", "b", "c"].map((to) =>
      reserved(ledger.admit({ meshId: "m", senderMemberId: `s-${to}`, targetSpec: `key-${to}` })),
    );
    expect(ledger.admit({ meshId: "m", senderMemberId: "s-d", targetSpec: "key-d" })).toEqual({
      ok: false,
      limit: "mesh",
    });
    expect(ledger.admit({ meshId: "other", senderMemberId: "s-d", targetSpec: "key-d" }).ok).toBe(true);
    // A failed batch frees its rows; a committed one keeps them until the next count.
    ledger.settle(sends[0] as Reservation);
    ledger.settle(sends[1] as Reservation, ["member-b"]);
    expect(ledger.admit({ meshId: "m", senderMemberId: "s-e", targetSpec: "key-e" }).ok).toBe(true);
    expect(ledger.admit({ meshId: "m", senderMemberId: "s-f", targetSpec: "key-f" }).ok).toBe(false);
  });

  test("a broadcast reserves one row per other member, and its commit teaches the mesh's size", () => {
    const ledger = new QueueLedger({ meshRows: 10, memberRows: 100 });
    ledger.refresh(count({ members: new Map([["m", 4]]) }));
    const first = reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "*" }));
    expect(first.rows).toBe(3);
    reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "*" }));
    reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "*" }));
    expect(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "*" })).toEqual({ ok: false, limit: "mesh" });

    // A mesh newer than the last count: one row guessed; the commit says how many it took.
    const fresh = reserved(ledger.admit({ meshId: "new", senderMemberId: "s", targetSpec: "*" }));
    expect(fresh.rows).toBe(1);
    ledger.settle(fresh, ["r1", "r2", "r3", "r4", "r5"]);
    expect(reserved(ledger.admit({ meshId: "new", senderMemberId: "s", targetSpec: "*" })).rows).toBe(5);
    expect(ledger.budgets("new", "s")).toEqual({ mesh: 5, sender: 95 });
  });

  test("a sender past its share is refused; another sender of the mesh is not", () => {
    const ledger = new QueueLedger({ meshRows: 100, memberRows: 2 });
    ledger.settle(reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "k1" })), ["r1"]);
    reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "k2" }));
    expect(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "k3" })).toEqual({
      ok: false,
      limit: "sender",
    });
    expect(ledger.admit({ meshId: "m", senderMemberId: "t", targetSpec: "k3" }).ok).toBe(true);
  });

  test("a recipient at its share refuses direct sends by its key or a learned session key; broadcasts skip it", () => {
    const ledger = new QueueLedger({ meshRows: 100, memberRows: 2 });
    ledger.refresh(
      count({
        members: new Map([["m", 4]]),
        recipients: new Map([["full", { meshId: "m", pubkey: "full-key", rows: 2 }]]),
        meshes: new Map([["m", 2]]),
      }),
    );
    expect(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "full-key" })).toEqual({
      ok: false,
      limit: "recipient",
    });
    const broadcast = reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "*" }));
    expect(broadcast.skippedRecipientIds).toEqual(["full"]);
    expect(broadcast.rows).toBe(2);

    // A session key is not known until a send to it commits; then it counts as its member.
    const viaSessionKey = reserved(ledger.admit({ meshId: "m", senderMemberId: "u", targetSpec: "session-key" }));
    ledger.settle(viaSessionKey, ["other"]);
    // "other" now holds one, and the broadcast in flight gives it another.
    expect(ledger.admit({ meshId: "m", senderMemberId: "t", targetSpec: "session-key" })).toEqual({
      ok: false,
      limit: "recipient",
    });
    ledger.settle(broadcast);
    expect(ledger.admit({ meshId: "m", senderMemberId: "t", targetSpec: "session-key" }).ok).toBe(true);
  });

  test("a broadcast every recipient of which is full is refused", () => {
    const ledger = new QueueLedger({ meshRows: 100, memberRows: 1 });
    ledger.refresh(
      count({
        members: new Map([["m", 2]]),
        recipients: new Map([["r", { meshId: "m", pubkey: "r-key", rows: 1 }]]),
      }),
    );
    expect(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "*" })).toEqual({
      ok: false,
      limit: "recipient",
    });
    // Unless the mesh's size is not known yet: one row guessed, and the commit decides.
    ledger.refresh(count({ recipients: new Map([["r", { meshId: "m", pubkey: "r-key", rows: 1 }]]) }));
    const guessed = reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "*" }));
    expect(guessed).toMatchObject({ rows: 1, skippedRecipientIds: ["r"] });
  });

  test("a count forgets the commits its snapshot saw and keeps the others: nothing counted twice, nothing missed", () => {
    const ledger = new QueueLedger({ meshRows: 2, memberRows: 100 });
    ledger.settle(reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "a" })), ["ra"], 10);
    ledger.settle(reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "b" })), ["rb"], 11);
    // Transaction 11 was still running when the count's snapshot was taken (its row ids may well be below
    // others the count saw): 1 counted + 1 not yet seen.
    ledger.refresh(count({ meshes: new Map([["m", 1]]), snapshot: parseSnapshot("10:12:11") }));
    expect(ledger.budgets("m", "s").mesh).toBe(0);
    // A commit the count saw, even one whose settle came after the count began, is never counted twice.
    ledger.refresh(count({ meshes: new Map([["m", 2]]), snapshot: parseSnapshot("12:12:") }));
    expect(ledger.budgets("m", "s").mesh).toBe(0);
    // Delivered since: the next count frees the mesh.
    ledger.refresh(count({ snapshot: parseSnapshot("12:12:") }));
    expect(ledger.budgets("m", "s")).toEqual({ mesh: 2, sender: 100 });
  });

  test("a snapshot's visibility is Postgres's: below xmin seen, from xmax on not, between unless in flight", () => {
    const snapshot = parseSnapshot("100:105:101,103");
    expect([99, 100, 101, 102, 103, 104, 105, 200].map((xid) => visibleIn(snapshot, xid))).toEqual([
      true,
      true,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(parseSnapshot("7:7:")).toEqual({ xmin: 7, xmax: 7, inFlight: new Set() });
  });

  test("rows a session here took stop counting at once, never below zero", () => {
    const ledger = new QueueLedger({ meshRows: 100, memberRows: 2 });
    ledger.refresh(count({ recipients: new Map([["r", { meshId: "m", pubkey: "r-key", rows: 2 }]]) }));
    // r holds its share: a send to it is refused…
    expect(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "r-key" })).toEqual({
      ok: false,
      limit: "recipient",
    });
    // …until it is pushed what it holds.
    const taken = { meshId: "m", senderMemberId: "s", recipientMemberId: "r" };
    ledger.pushed([taken, taken, taken]);
    expect(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "r-key" }).ok).toBe(true);
  });

  test("a batch is held to the budgets at its commit only near a bound, or when a fan-out was guessed", () => {
    const ledger = new QueueLedger({ meshRows: 100, memberRows: 50 });
    ledger.refresh(count({ members: new Map([["m", 3]]) }));
    const direct = reserved(ledger.admit({ meshId: "m", senderMemberId: "s", targetSpec: "k" }));
    const broadcast = reserved(ledger.admit({ meshId: "m", senderMemberId: "t", targetSpec: "*" }));
    expect(ledger.nearBounds([direct, broadcast])).toBe(false);
    const guessed = reserved(ledger.admit({ meshId: "new", senderMemberId: "s", targetSpec: "*" }));
    expect(guessed.fanoutGuessed).toBe(true);
    expect(ledger.nearBounds([direct, guessed])).toBe(true);
    // Half of a sender's share in one batch: near enough that members who joined since the count could matter.
    const many = Array.from({ length: 25 }, (_, i) =>
      reserved(ledger.admit({ meshId: "m", senderMemberId: "u", targetSpec: `k${i}` })),
    );
    expect(ledger.nearBounds(many.slice(0, 24))).toBe(false);
    expect(ledger.nearBounds(many)).toBe(true);
  });
});
