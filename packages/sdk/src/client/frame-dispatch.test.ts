import { describe, expect, test } from "bun:test";
import type { ErrorFrame, ServerFrame } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import { dispatchFrame, type ErrorClaims, errorOwner, type FrameHandlers, parseServerFrame } from "./frame-dispatch.ts";
import { Outbox } from "./outbox.ts";
import { PendingRequests } from "./pending-requests.ts";

const failure = (fields: Partial<ErrorFrame> = {}): ErrorFrame => ({
  type: "error",
  code: "bad_request",
  message: "no",
  ...fields,
});

describe("parseServerFrame", () => {
  test("reads text and UTF-8 bytes into a typed frame", () => {
    const text = JSON.stringify({ type: "status", status: "idle", source: "hook" });
    expect(parseServerFrame(text)).toMatchObject({ ok: true, frame: { type: "status", status: "idle" } });
    const bytes = new TextEncoder().encode(text).buffer;
    expect(parseServerFrame(bytes)).toMatchObject({ ok: true, frame: { type: "status" } });
  });

  test("says what is wrong with a frame that is not JSON or not a server frame", () => {
    const notJson = parseServerFrame("{oops");
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) expect(notJson.error.message).toContain("not JSON");
    const unknown = parseServerFrame(JSON.stringify({ type: "gossip" }));
    expect(unknown.ok).toBe(false);
    if (!unknown.ok)
      expect([unknown.error.code, unknown.error.message]).toEqual(["bad_frame", expect.stringContaining("gossip")]);
    expect(parseServerFrame("null").ok).toBe(false);
  });
});

describe("errorOwner", () => {
  const claims = (fields: Partial<ErrorClaims> = {}): ErrorClaims => ({
    inSession: true,
    isUnansweredSend: () => false,
    isAwaitedRequest: () => false,
    ...fields,
  });

  test("before a session, every error explains the hello refusal, even one naming a send", () => {
    const all = { isUnansweredSend: () => true, isAwaitedRequest: () => true };
    expect(errorOwner(failure({ id: "s1" }), claims({ inSession: false, ...all }))).toEqual({ owner: "hello" });
  });

  test("in a session, a send it names comes first, then a request it names", () => {
    const both = claims({ isUnansweredSend: (id) => id === "s1", isAwaitedRequest: () => true });
    expect(errorOwner(failure({ id: "s1", _reqId: "r1" }), both)).toEqual({ owner: "send", id: "s1" });
    expect(errorOwner(failure({ id: "gone", _reqId: "r1" }), both)).toEqual({ owner: "request" });
  });

  test("an id-less error nobody claims goes to the application", () => {
    expect(errorOwner(failure(), claims())).toEqual({ owner: "application" });
  });
});

describe("dispatchFrame", () => {
  /** Real outbox and requests without a socket; what reaches the application is recorded. */
  function handlers(inSession = true) {
    const seen = { statuses: [] as ServerFrame[], errors: [] as MeshError[], refusals: [] as string[] };
    const requests = new PendingRequests();
    const outbox = new Outbox({
      write: () => {},
      inSession: () => inSession,
      backoff: { initialMs: 1, maxMs: 1 },
      sendTimeoutMs: 60_000,
    });
    const to: FrameHandlers = {
      inSession: () => inSession,
      established: () => {},
      helloRefused: (refusal) => seen.refusals.push(refusal.code),
      outbox,
      requests,
      inbox: { accept: () => {} },
      status: (frame) => seen.statuses.push(frame),
      error: (error) => seen.errors.push(error),
    };
    return { to, seen, requests };
  }
  const ask = (requests: PendingRequests, answers: ServerFrame["type"]) => {
    let reqId = "";
    const answer = requests.open(answers, (id) => {
      reqId = id;
    });
    return { reqId, answer };
  };

  test("a status answering a request settles it; any other status reaches the application", async () => {
    const { to, seen, requests } = handlers();
    const { reqId, answer } = ask(requests, "status");
    dispatchFrame({ type: "status", status: "working", source: "manual", _reqId: reqId }, to);
    dispatchFrame({ type: "status", status: "idle", source: "hook" }, to);
    expect(await answer).toMatchObject({ status: "working" });
    expect(seen.statuses).toEqual([{ type: "status", status: "idle", source: "hook" }]);
  });

  test("an error naming a request rejects it and is not reported again", async () => {
    const { to, seen, requests } = handlers();
    const { reqId, answer } = ask(requests, "peers_list");
    dispatchFrame(failure({ code: "db_unavailable", _reqId: reqId }), to);
    await expect(answer).rejects.toMatchObject({ code: "db_unavailable" });
    expect(seen.errors).toEqual([]);
  });

  test("an id-less error is reported to the application and leaves waiting requests waiting", async () => {
    const { to, seen, requests } = handlers();
    const { answer } = ask(requests, "status");
    dispatchFrame(failure({ code: "rate_limited" }), to);
    expect(seen.errors.map((e) => e.code)).toEqual(["rate_limited"]);
    expect(requests.size).toBe(1);
    requests.failAll(() => new MeshError("closed", "test over"));
    await expect(answer).rejects.toMatchObject({ code: "closed" });
  });

  test("an error before the session is kept as the hello refusal", () => {
    const { to, seen } = handlers(false);
    dispatchFrame(failure({ code: "unauthorized" }), to);
    expect(seen.refusals).toEqual(["unauthorized"]);
    expect(seen.errors).toEqual([]);
  });
});
