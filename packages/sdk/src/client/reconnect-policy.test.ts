import { expect, test } from "bun:test";
import { CloseCode } from "@mesh/shared";
import { afterClose, type ClosedSocket } from "./reconnect-policy.ts";

const backoff = { initialMs: 100, maxMs: 1000 };
const closed = (fields: Partial<ClosedSocket> = {}): ClosedSocket => ({
  code: 1006,
  reason: "",
  refusal: undefined,
  backoff,
  attempt: 0,
  ...fields,
});

test("a hello refused for a reason no retry can fix gives up with the broker's code", () => {
  const next = afterClose(closed({ code: CloseCode.policy, refusal: { code: "unauthorized", message: "who?" } }));
  expect(next.action).toBe("give_up");
  if (next.action === "give_up") expect([next.error.code, next.error.message]).toEqual(["unauthorized", "who?"]);
});

test("a refusal that may pass, or a fatal one without the policy close, comes back", () => {
  const capacity = { code: "capacity", message: "full" };
  expect(afterClose(closed({ code: CloseCode.policy, refusal: capacity })).action).toBe("reconnect");
  const unauthorized = { code: "unauthorized", message: "who?" };
  expect(afterClose(closed({ code: 1006, refusal: unauthorized })).action).toBe("reconnect");
});

test("with reconnecting off, any close gives up as disconnected, naming the close", () => {
  const next = afterClose(closed({ code: 1001, reason: "going away", backoff: undefined }));
  expect(next.action).toBe("give_up");
  if (next.action === "give_up") {
    expect(next.error.code).toBe("disconnected");
    expect(next.error.message).toContain("1001 going away");
  }
});

test("the delay grows with the attempt", () => {
  const top = () => 0.999_999;
  expect(afterClose(closed({ attempt: 0 }), top)).toEqual({ action: "reconnect", delayMs: 100 });
  expect(afterClose(closed({ attempt: 2 }), top)).toEqual({ action: "reconnect", delayMs: 400 });
  expect(afterClose(closed({ attempt: 9 }), top)).toEqual({ action: "reconnect", delayMs: 1000 });
});

test("a revocation (4002) gives up with its reason as the code, whatever the backoff", () => {
  const revoked = afterClose(closed({ code: CloseCode.revoked, reason: "member_revoked" }));
  expect(revoked.action).toBe("give_up");
  if (revoked.action === "give_up") expect(revoked.error.code).toBe("member_revoked");
  const archived = afterClose(closed({ code: CloseCode.revoked, reason: "mesh_archived" }));
  if (archived.action === "give_up") expect(archived.error.code).toBe("mesh_archived");
  expect(archived.action).toBe("give_up");
  const odd = afterClose(closed({ code: CloseCode.revoked, reason: "\u0007odd" }));
  if (odd.action === "give_up") expect(odd.error.code).toBe("member_revoked");
  expect(odd.action).toBe("give_up");
});

test("a kicked session (4003) comes back", () => {
  expect(afterClose(closed({ code: CloseCode.kicked, reason: "session_kicked" })).action).toBe("reconnect");
});
