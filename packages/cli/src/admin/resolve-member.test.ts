import { describe, expect, test } from "bun:test";
import type { AdminMember, AdminSession } from "@mesh/sdk";
import { CliError } from "../cli-error.ts";
import { resolveMember, resolveSessionId } from "./resolve-member.ts";

const member = (id: string, name: string, revoked = false): AdminMember => ({
  id,
  name,
  pubkey: "a".repeat(64),
  role: "member",
  joinedAt: "2026-12-01T12:00:00.000Z",
  lastSeenAt: null,
  liveSessions: 0,
  undelivered: 0,
  revoked,
  revokedAt: revoked ? "2026-12-01T12:00:00.000Z" : null,
});

const failure = (f: () => unknown): CliError => {
  try {
    f();
  } catch (e: unknown) {
    if (e instanceof CliError) return e;
  }
  throw new Error("expected a CliError");
};

describe("resolveMember", () => {
  const members = [
    member("m-1", "Alice"),
    member("m-2", "bob", true),
    member("m-3", "Bob"),
    member("m-4", "bob", true),
  ];

  test("by id, then by name ignoring case", () => {
    expect(resolveMember(members, "m-2", "s").id).toBe("m-2");
    expect(resolveMember(members, "alice", "s").id).toBe("m-1");
  });

  test("a name shared with revoked members picks the live one, or for restore a revoked one", () => {
    expect(resolveMember(members, "BOB", "s").id).toBe("m-3");
    const ambiguous = failure(() => resolveMember(members, "bob", "s", "revoked"));
    expect([ambiguous.code, ambiguous.exitCode]).toEqual(["usage", 2]);
    expect(resolveMember(members.slice(0, 3), "bob", "s", "revoked").id).toBe("m-2");
  });

  test("nobody is member_not_found with the admin refusal's exit code", () => {
    const missing = failure(() => resolveMember(members, "carol", "s"));
    expect([missing.code, missing.exitCode]).toEqual(["member_not_found", 3]);
  });
});

describe("resolveSessionId", () => {
  const session = (presenceId: string) => ({ presenceId }) as AdminSession;
  const sessions = [session("8f1e2d3c-aaaa"), session("8f1e9999-bbbb"), session("12345678-cccc")];

  test("an id, or a prefix of exactly one; an unknown id passes through for the broker to refuse", () => {
    expect(resolveSessionId(sessions, "8f1e2d3c-aaaa")).toBe("8f1e2d3c-aaaa");
    expect(resolveSessionId(sessions, "1234")).toBe("12345678-cccc");
    expect(resolveSessionId(sessions, "ffff")).toBe("ffff");
    expect(failure(() => resolveSessionId(sessions, "8f1e")).code).toBe("usage");
  });
});
