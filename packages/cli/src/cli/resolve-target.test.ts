import { describe, expect, test } from "bun:test";
import { generateEd25519KeyPair, type PeerInfo } from "@mesh/shared";
import { resolveTarget } from "./resolve-target.ts";

const bob = generateEd25519KeyPair().publicKey;
const impostor = generateEd25519KeyPair().publicKey;

/** A live session of `memberPubkey` named `displayName`, addressed by `pubkey` (a session key, or the member's). */
function session(displayName: string, memberPubkey: string, pubkey = memberPubkey): PeerInfo {
  return {
    pubkey,
    memberPubkey,
    displayName,
    status: "idle",
    summary: null,
    sessionId: `s-${pubkey.slice(0, 8)}`,
    cwd: null,
    connectedAt: new Date(0).toISOString(),
    self: false,
  };
}

const resolve = (to: string, peers: PeerInfo[]) => resolveTarget(to, async () => peers);

describe("resolveTarget", () => {
  test("a pubkey or * is taken as given, without asking for the peers", async () => {
    const never = async (): Promise<PeerInfo[]> => {
      throw new Error("listed");
    };
    expect(await resolveTarget("*", never)).toBe("*");
    expect(await resolveTarget(bob, never)).toBe(bob);
    expect(await resolveTarget(bob.toUpperCase(), never)).toBe(bob.toUpperCase());
  });

  test("a name is the member key of the live session bearing it, ignoring case and surrounding blanks", async () => {
    const peers = [session("alice", generateEd25519KeyPair().publicKey), session("bob", bob)];
    for (const to of ["bob", "BOB", " Bob "]) expect(await resolve(to, peers)).toBe(bob);
  });

  test("one member with several sessions, some with keys of their own, is one target: its member key", async () => {
    const sessionKey = generateEd25519KeyPair().publicKey;
    expect(await resolve("bob", [session("bob", bob), session("bob", bob, sessionKey)])).toBe(bob);
  });

  test("a name no live session bears is unknown_name, never a guess", async () => {
    await expect(resolve("bob", [session("bobby", impostor)])).rejects.toMatchObject({ code: "unknown_name" });
    await expect(resolve("bob", [])).rejects.toMatchObject({ code: "unknown_name" });
  });

  test("a name several member keys answer to is ambiguous_name", async () => {
    await expect(resolve("bob", [session("bob", bob), session("Bob", impostor)])).rejects.toMatchObject({
      code: "ambiguous_name",
    });
  });
});
