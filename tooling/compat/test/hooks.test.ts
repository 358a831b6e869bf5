import { describe, expect, test } from "bun:test";
import type { ClaudemeshClient, Frame } from "../src/index.ts";
import { useCompatSuite } from "./helpers/compat-suite.ts";

/*
 * Hooks as claudemesh posts them, tokenless and matched by cwd, against a
 * real broker with anonymous hooks on (docs/protocol.md#hook-endpoint,
 * docs/compatibility.md#client-profiles): they set the status of a session
 * of a claudemesh mesh, and never touch a session of a strict mesh.
 */

const suite = useCompatSuite();

/** The pid `claudemesh hook` reports: its parent (Claude Code), never the pid of the session's hello. */
const HOOK_PID = 7001;

/** A 1.x client (hello with its session key) whose hello reports a pid other than the hook's. */
async function modernClient(link: string): Promise<ClaudemeshClient> {
  const client = await suite.claudemesh(link, "1.x", { pid: 7000 });
  const outcome = await client.connect();
  if (!outcome.accepted) throw new Error(`hello refused: ${JSON.stringify(outcome)}`);
  return client;
}

const statusFrames = (client: ClaudemeshClient): Frame[] =>
  client.framesAfterHello().filter((f) => f.type === "status");

describe("on a claudemesh mesh", () => {
  test("a tokenless hook matched by cwd sets the session's status: a status frame, and next held until idle", async () => {
    const { link } = await suite.meshInvite("claudemesh", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await modernClient(link);

    // A tokenless hook is told only {ok:true}; the status frame shows it reached the session.
    const working = await modern.postHook("working", { pid: HOOK_PID, session_id: "cc-session-1" });
    expect(working).toEqual({ status: 200, body: { ok: true } });
    const pushed = await modern.nextFrame((f) => f.type === "status");
    expect(pushed).toMatchObject({ status: "working", source: "hook" });
    expect(pushed._reqId).toBeUndefined();

    // Held while working: a `now` sent after it arrives, the `next` does not.
    const held = await sdk.client.send(modern.membership.pubkey, "held while working", { priority: "next" });
    await sdk.client.send(modern.membership.pubkey, "now, while working", { priority: "now" });
    await modern.nextPush((p) => p.text === "now, while working");
    expect(modern.pushes().map((p) => p.text)).toEqual(["now, while working"]);

    // claudemesh posts session_id "" when Claude Code gave it none.
    const idle = await modern.postHook("idle", { pid: HOOK_PID });
    expect(idle).toEqual({ status: 200, body: { ok: true } });
    expect(await modern.nextFrame((f) => f.type === "status")).toMatchObject({ status: "idle", source: "hook" });
    const released = await modern.nextPush((p) => p.push.messageId === held.messageId);
    expect(released).toMatchObject({ text: "held while working", openedWith: "member" });
  });
});

describe("on a strict mesh", () => {
  test("the same tokenless hook changes nothing; the session's own hook token, the control, does", async () => {
    const { link } = await suite.meshInvite("strict", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await modernClient(link);

    const tokenless = await modern.postHook("working", { pid: HOOK_PID, session_id: "cc-session-2" });
    expect(tokenless).toEqual({ status: 200, body: { ok: true } });
    const peers = (await modern.listPeers()).peers as Record<string, unknown>[];
    expect(peers.find((p) => p.self === true)).toMatchObject({ pubkey: modern.sessionPubkey, status: "idle" });
    // Still idle: a `next` envelope flows at once.
    const next = await sdk.client.send(modern.membership.pubkey, "next, still idle", { priority: "next" });
    await modern.nextPush((p) => p.push.messageId === next.messageId);

    // The control: the same report with the session's own token reaches it.
    const scoped = await fetch(`${suite.broker.httpUrl}/hook/set-status`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${String(modern.helloAck?.hookToken)}` },
      body: JSON.stringify({ cwd: modern.cwd, pid: HOOK_PID, status: "working", session_id: "cc-session-2" }),
    });
    expect(scoped.status).toBe(200);
    expect(await scoped.json()).toMatchObject({ ok: true, status: "working", applied: true });
    expect(await modern.nextFrame((f) => f.type === "status")).toMatchObject({ status: "working", source: "hook" });
    expect(statusFrames(modern)).toHaveLength(1);
  });
});
