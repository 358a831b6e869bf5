import { describe, expect, test } from "bun:test";
import type { ServerFrame } from "@mesh/shared";
import { MeshError } from "../mesh-error.ts";
import { echoedRequestId, PendingRequests, settles } from "./pending-requests.ts";

const status = (reqId?: string | number): ServerFrame => ({
  type: "status",
  status: "idle",
  source: "manual",
  ...(reqId !== undefined ? { _reqId: reqId } : {}),
});
const failure = (fields: { _reqId?: string; id?: string } = {}): ServerFrame => ({
  type: "error",
  code: "bad_request",
  message: "no",
  ...fields,
});

/** Opens a request and returns its `_reqId` and its answer, settled or not. */
function openRequest(requests: PendingRequests, answers: ServerFrame["type"]) {
  let reqId = "";
  const answer = requests.open(answers, (id) => {
    reqId = id;
  });
  const outcome = answer.then(
    (frame) => ({ frame }),
    (error: unknown) => ({ error }),
  );
  return { reqId, outcome };
}

describe("request matching", () => {
  test("an error settles any request it names; another frame only the request waiting for its type", () => {
    expect(settles("status", failure())).toBe(true);
    expect(settles("status", status())).toBe(true);
    expect(settles("peers_list", status())).toBe(false);
  });

  test("the echoed _reqId is read as a string, and absent when the frame names none", () => {
    expect(echoedRequestId(status("r7"))).toBe("r7");
    expect(echoedRequestId(status(7))).toBe("7");
    expect(echoedRequestId(status())).toBeUndefined();
  });
});

describe("PendingRequests", () => {
  test("each request gets a fresh _reqId before it is written, and its answer resolves it", async () => {
    const requests = new PendingRequests();
    const first = openRequest(requests, "status");
    const second = openRequest(requests, "peers_list");
    expect([first.reqId, second.reqId]).toEqual(["r1", "r2"]);

    expect(requests.settle(status(first.reqId))).toBe(true);
    expect(await first.outcome).toEqual({ frame: status("r1") });
    expect(requests.size).toBe(1);
    expect(requests.settle(status(first.reqId))).toBe(false);
  });

  test("a frame of another type, or naming no request, settles nothing", () => {
    const requests = new PendingRequests();
    const { reqId } = openRequest(requests, "peers_list");
    expect(requests.awaits(status(reqId))).toBe(false);
    expect(requests.settle(status(reqId))).toBe(false);
    expect(requests.settle(status())).toBe(false);
    expect(requests.settle(failure())).toBe(false);
    expect(requests.size).toBe(1);
  });

  test("an error frame naming a request rejects it with the broker's code", async () => {
    const requests = new PendingRequests();
    const { reqId, outcome } = openRequest(requests, "status");
    expect(requests.awaits(failure({ _reqId: reqId }))).toBe(true);
    expect(requests.settle(failure({ _reqId: reqId }))).toBe(true);
    const { error } = (await outcome) as { error: MeshError };
    expect(error).toBeInstanceOf(MeshError);
    expect(error.code).toBe("bad_request");
  });

  test("failAll rejects every waiting request and forgets them", async () => {
    const requests = new PendingRequests();
    const a = openRequest(requests, "status");
    const b = openRequest(requests, "peers_list");
    requests.failAll(() => new MeshError("disconnected", "gone"));
    expect(requests.size).toBe(0);
    for (const { outcome } of [a, b]) {
      expect(((await outcome) as { error: MeshError }).error.code).toBe("disconnected");
    }
  });
});
