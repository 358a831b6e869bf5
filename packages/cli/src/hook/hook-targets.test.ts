import { describe, expect, test } from "bun:test";
import type { Membership, SessionRecord } from "@mesh/sdk";
import { hookTargets } from "./hook-targets.ts";

const membership = (slug: string, brokerUrl = "ws://127.0.0.1:7900/ws"): Membership => ({
  meshId: `id-${slug}`,
  slug,
  memberId: `member-${slug}`,
  brokerUrl,
  rootKey: "root",
  role: "member",
  displayName: "agent",
  joinedAt: "2026-11-23T10:00:00.000Z",
});

const session = (meshId: string, cwd: string, hookToken: string, updatedAt: string): SessionRecord => ({
  meshId,
  brokerUrl: "ws://127.0.0.1:7900/ws",
  cwd,
  pid: 100,
  holderPid: 200,
  presenceId: `p-${hookToken}`,
  hookToken,
  updatedAt,
});

describe("hookTargets", () => {
  test("every joined mesh, each with the newest token of a session in exactly this cwd", () => {
    const { targets, skipped } = hookTargets({
      memberships: [membership("a"), membership("b", "wss://mesh.example.com/ws")],
      sessions: [
        session("id-a", "/home/agent/project", "old", "2026-11-23T10:00:00.000Z"),
        session("id-a", "/home/agent/project", "new", "2026-11-23T11:00:00.000Z"),
        session("id-a", "/home/agent/project/sub", "other-cwd", "2026-11-23T12:00:00.000Z"),
        session("id-b", "/elsewhere", "b-token", "2026-11-23T12:00:00.000Z"),
      ],
      cwd: "/home/agent/project",
    });
    expect(skipped).toEqual([]);
    expect(targets).toEqual([
      { meshId: "id-a", slug: "a", baseUrl: "http://127.0.0.1:7900", hookToken: "new" },
      { meshId: "id-b", slug: "b", baseUrl: "https://mesh.example.com", hookToken: undefined },
    ]);
  });

  test("--mesh picks one mesh by slug or id", () => {
    const memberships = [membership("a"), membership("b")];
    expect(hookTargets({ memberships, sessions: [], cwd: "/", mesh: "b" }).targets.map((t) => t.slug)).toEqual(["b"]);
    expect(hookTargets({ memberships, sessions: [], cwd: "/", mesh: "id-a" }).targets.map((t) => t.slug)).toEqual([
      "a",
    ]);
    expect(hookTargets({ memberships, sessions: [], cwd: "/", mesh: "zzz" }).targets).toEqual([]);
  });

  test("skips an unusable broker URL and merges identical tokenless reports to one broker", () => {
    const { targets, skipped } = hookTargets({
      memberships: [membership("a"), membership("b"), membership("c", "not a url")],
      sessions: [],
      cwd: "/",
    });
    expect(targets.map((t) => t.slug)).toEqual(["a"]);
    expect(skipped).toEqual(["c"]);
  });
});
