import { describe, expect, test } from "bun:test";
import type { ClaudemeshClient } from "../src/index.ts";
import { useCompatSuite } from "./helpers/compat-suite.ts";

/*
 * The frames the 1.x line sends besides messages, against a real broker
 * (docs/protocol.md#set_summary, #unexpected-frames): what it answers, and
 * what it must leave unanswered, since an error without an id would be
 * taken by a 1.x client as the answer to an unrelated request. A silence
 * counts only once a later `list_peers` on the same socket was answered.
 */

const suite = useCompatSuite();

/** A 1.x client on a fresh claudemesh mesh, said hello (with its session key). */
async function modernClient(): Promise<ClaudemeshClient> {
  const { link } = await suite.meshInvite("claudemesh", 2);
  const client = await suite.claudemesh(link, "1.x");
  const outcome = await client.connect();
  if (!outcome.accepted) throw new Error(`hello refused: ${JSON.stringify(outcome)}`);
  return client;
}

describe("set_summary and list_peers", () => {
  test("the summary shows in peers_list, which includes the caller's own session marked self", async () => {
    const { link } = await suite.meshInvite("claudemesh", 2);
    const sdk = await suite.sdk(link, "sdk");
    const modern = await suite.claudemesh(link, "1.x");
    expect((await modern.connect()).accepted).toBe(true);

    modern.setSummary("fixing the invite parser");
    const answer = await modern.listPeers();
    expect(modern.framesAfterHello()).toEqual([answer]);
    const peers = answer.peers as Record<string, unknown>[];
    expect(peers).toHaveLength(2);
    expect(peers.find((p) => p.self === true)).toMatchObject({
      pubkey: modern.sessionPubkey,
      memberPubkey: modern.membership.pubkey,
      summary: "fixing the invite parser",
      status: "idle",
    });
    expect(peers.find((p) => p.self === false)).toMatchObject({
      pubkey: sdk.publicKey,
      memberPubkey: sdk.publicKey,
      summary: null,
    });
  });
});

describe("frames answered by nothing", () => {
  test("set_stats: the list_peers after it is the first frame that comes back", async () => {
    const modern = await modernClient();
    modern.setStats({ messagesIn: 3, messagesOut: 2, toolCalls: 17, errors: 0, uptime: 61 });
    const answer = await modern.listPeers();
    expect(modern.framesAfterHello()).toEqual([answer]);
  });

  test("unknown fire-and-forget types of the 1.x line (set_visible and others) without _reqId", async () => {
    const modern = await modernClient();
    modern.sendFrame({ type: "set_visible", visible: false });
    modern.sendFrame({ type: "set_profile", title: "reviewer", capabilities: ["review"] });
    modern.sendFrame({ type: "join_group", name: "reviewers", role: "lead" });
    modern.sendFrame({ type: "set_state", key: "branch", value: "main" });
    modern.sendFrame({ type: "client_ack", clientMessageId: "1b4e28ba-2fa1-11d2-883f-0016d3cca427" });
    const answer = await modern.listPeers();
    expect(modern.framesAfterHello()).toEqual([answer]);
  });
});

describe("an unknown type with _reqId", () => {
  test("is answered unknown_type echoing the _reqId, and the session stays open", async () => {
    const modern = await modernClient();
    modern.sendFrame({ type: "get_state", key: "branch", _reqId: "gs-7f3a" });
    const error = await modern.nextFrame((f) => f.type === "error");
    expect(error).toMatchObject({ code: "unknown_type", _reqId: "gs-7f3a" });
    expect(await modern.listPeers()).toMatchObject({ type: "peers_list" });
    expect(modern.framesAfterHello().map((f) => f.type)).toEqual(["error", "peers_list"]);
  });
});
